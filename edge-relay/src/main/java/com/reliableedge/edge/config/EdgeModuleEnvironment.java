package com.reliableedge.edge.config;

import java.util.List;
import java.util.Map;

/**
 * What the Azure IoT Edge runtime tells a module about itself in its environment ({@code IOTEDGE_*}): where its
 * workload API listens (which signs the module's SAS tokens and hands out the edge CA's trust bundle), its device and
 * module ids, the hub, and the local edgeHub it connects to ({@code IOTEDGE_GATEWAYHOSTNAME}).
 *
 * @param apiVersion the workload API version the runtime announces, or {@code null}; the device SDK uses its own
 *        (2018-06-28), so it is only logged
 */
public record EdgeModuleEnvironment(String workloadUri, String deviceId, String moduleId, String generationId,
        String iotHubHostName, String gatewayHostName, String authScheme, String apiVersion) {

    public static final String WORKLOAD_URI = "IOTEDGE_WORKLOADURI";
    public static final String DEVICE_ID = "IOTEDGE_DEVICEID";
    public static final String MODULE_ID = "IOTEDGE_MODULEID";
    public static final String GENERATION_ID = "IOTEDGE_MODULEGENERATIONID";
    public static final String IOTHUB_HOST_NAME = "IOTEDGE_IOTHUBHOSTNAME";
    public static final String GATEWAY_HOST_NAME = "IOTEDGE_GATEWAYHOSTNAME";
    public static final String AUTH_SCHEME = "IOTEDGE_AUTHSCHEME";
    public static final String API_VERSION = "IOTEDGE_APIVERSION";

    /** Every variable the relay needs in module mode, in the order a missing one is reported. */
    public static final List<String> REQUIRED = List.of(WORKLOAD_URI, DEVICE_ID, MODULE_ID, GENERATION_ID,
            IOTHUB_HOST_NAME, GATEWAY_HOST_NAME, AUTH_SCHEME);

    /**
     * Connection strings the device SDK's {@code createFromEnvironment} would prefer, silently, over the module
     * identity; the relay refuses them so that what it connects as is what its configuration says.
     */
    public static final List<String> SDK_CONNECTION_STRINGS = List.of("EdgeHubConnectionString",
            "IotHubConnectionString");

    /** Whether the environment looks like an IoT Edge module's (any {@code IOTEDGE_*} variable of the list set). */
    public static boolean present(Map<String, String> env) {
        return REQUIRED.stream().anyMatch(env::containsKey);
    }

    /**
     * Reads and checks the module's environment.
     *
     * @throws IllegalStateException naming the first missing or unusable variable (and what needs it)
     */
    public static EdgeModuleEnvironment from(Map<String, String> env) {
        for (String name : REQUIRED) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("Environment variable " + name + " is not set, but the relay runs as an"
                        + " IoT Edge module (relay.upstream.iothub.identity): the IoT Edge runtime sets " + String.join(
                                ", ", REQUIRED)
                        + " for every module it starts");
            }
        }
        for (String name : SDK_CONNECTION_STRINGS) {
            if (env.containsKey(name)) {
                throw new IllegalStateException("Environment variable " + name + " is set: the device SDK would"
                        + " connect with it instead of the module identity of " + WORKLOAD_URI
                        + "; remove it, or give the connection string as relay.connection-string");
            }
        }
        String uri = env.get(WORKLOAD_URI).trim();
        if (!(uri.startsWith("unix://") || uri.startsWith("http://") || uri.startsWith("https://"))) {
            throw new IllegalStateException("Environment variable " + WORKLOAD_URI + " '" + uri
                    + "' must be unix://<socket path>, http://… or https://…");
        }
        String scheme = env.get(AUTH_SCHEME).trim();
        if (!"sasToken".equalsIgnoreCase(scheme)) {
            throw new IllegalStateException("Environment variable " + AUTH_SCHEME + " '" + scheme
                    + "' is not supported; the relay (and the device SDK) authenticate modules with 'sasToken'");
        }
        return new EdgeModuleEnvironment(uri, env.get(DEVICE_ID).trim(), env.get(MODULE_ID).trim(), env.get(
                GENERATION_ID).trim(), env.get(IOTHUB_HOST_NAME).trim(), env.get(GATEWAY_HOST_NAME).trim(), scheme,
                env.get(API_VERSION));
    }
}
