package com.reliableedge.edge.config;

import java.util.Locale;
import java.util.Map;

import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.Identifiers;

import io.quarkus.logging.Log;

/**
 * Who this relay is: its device id and, when one is configured, its connection string (which signs upstream requests
 * and checks method calls); with {@code relay.upstream.kind=iothub} also whether it connects as a device or as a
 * module of an Azure IoT Edge device.
 *
 * @param connection the connection string, or {@code null} when none is configured (then upstream requests go
 *        unsigned and every method call is refused)
 * @param moduleId the IoT Hub module this relay connects as, or {@code null} for a device identity
 * @param edgeModule the IoT Edge runtime's description of the module, when the identity comes from it (its workload
 *        API) rather than from a connection string; {@code null} otherwise
 */
public record DeviceIdentity(String deviceId, ConnectionString connection, String moduleId,
        EdgeModuleEnvironment edgeModule) {

    public static final String IDENTITY_KEY = "relay.upstream.iothub.identity";

    /** A device identity. */
    public DeviceIdentity(String deviceId, ConnectionString connection) {
        this(deviceId, connection, null, null);
    }

    /** Whether the relay connects as an IoT Hub module (its messages are module messages of {@link #deviceId}). */
    public boolean isModule() {
        return moduleId != null;
    }

    /** From the configuration and the process's environment. */
    public static DeviceIdentity of(RelayConfig config) {
        return of(config, System.getenv());
    }

    /**
     * From {@code relay.connection-string}, {@code relay.device-id} and, for {@code relay.upstream.kind=iothub},
     * {@value #IDENTITY_KEY}: {@code device} (a device connection string), {@code module} (a module connection string,
     * {@code ModuleId=…}, or else the IoT Edge runtime's {@code IOTEDGE_*} environment) or {@code auto} (the default:
     * the connection string's kind when one is set, else a module when {@code IOTEDGE_*} is set). The device id on
     * the wire is the connection string's or {@code IOTEDGE_DEVICEID}, which win over {@code relay.device-id}.
     *
     * @throws IllegalStateException naming the key or the environment variable that is missing or contradicts
     */
    public static DeviceIdentity of(RelayConfig config, Map<String, String> env) {
        ConnectionString connection = config.connectionString().filter(s -> !s.isBlank()).map(
                ConnectionString::parse).orElse(null);
        if (!"iothub".equals(config.upstream().kind())) {
            return device(config, connection);
        }
        String identity = config.upstream().iothub().identity().trim().toLowerCase(Locale.ROOT);
        switch (identity) {
            case "device" -> {
                if (connection != null && connection.moduleId() != null) {
                    throw new IllegalStateException("relay.connection-string names ModuleId '" + connection.moduleId()
                            + "' but " + IDENTITY_KEY + " is 'device'; use 'module' or 'auto', or a device"
                            + " connection string");
                }
                return device(config, connection);
            }
            case "module" -> {
                if (connection != null) {
                    if (connection.moduleId() == null) {
                        throw new IllegalStateException(IDENTITY_KEY + " is 'module' but relay.connection-string has"
                                + " no ModuleId; give a module connection string, or none to use the IoT Edge"
                                + " runtime's module identity (IOTEDGE_*)");
                    }
                    return module(config, connection);
                }
                return edgeModule(config, EdgeModuleEnvironment.from(env));
            }
            case "auto" -> {
                if (connection != null) {
                    return connection.moduleId() != null ? module(config, connection) : device(config, connection);
                }
                if (EdgeModuleEnvironment.present(env)) {
                    return edgeModule(config, EdgeModuleEnvironment.from(env));
                }
                return device(config, null);
            }
            default -> throw new IllegalStateException(IDENTITY_KEY + " '" + config.upstream().iothub().identity()
                    + "' is not supported; use 'device', 'module' or 'auto'");
        }
    }

    private static DeviceIdentity device(RelayConfig config, ConnectionString connection) {
        warnIfDiffers(config, connection, "the connection string's DeviceId");
        return new DeviceIdentity(connection != null ? connection.deviceId() : config.deviceId(), connection);
    }

    private static DeviceIdentity module(RelayConfig config, ConnectionString connection) {
        warnIfDiffers(config, connection, "the connection string's DeviceId");
        Log.infof("IoT Hub identity: module '%s' of device '%s' (relay.connection-string)", connection.moduleId(),
                connection.deviceId());
        return new DeviceIdentity(connection.deviceId(), connection, connection.moduleId(), null);
    }

    private static DeviceIdentity edgeModule(RelayConfig config, EdgeModuleEnvironment env) {
        try {
            Identifiers.require(EdgeModuleEnvironment.DEVICE_ID, env.deviceId());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Environment variable " + EdgeModuleEnvironment.DEVICE_ID + ": " + e
                    .getMessage(), e);
        }
        if (!env.deviceId().equals(config.deviceId())) {
            Log.infof("relay.device-id '%s' differs from %s '%s'; using the latter", config.deviceId(),
                    EdgeModuleEnvironment.DEVICE_ID, env.deviceId());
        }
        Log.infof("IoT Hub identity: IoT Edge module '%s' of device '%s' through edgeHub at %s (workload API %s)", env
                .moduleId(), env.deviceId(), env.gatewayHostName(), env.workloadUri());
        return new DeviceIdentity(env.deviceId(), null, env.moduleId(), env);
    }

    private static void warnIfDiffers(RelayConfig config, ConnectionString connection, String what) {
        if (connection != null && !connection.deviceId().equals(config.deviceId())) {
            Log.warnf("relay.device-id '%s' differs from %s '%s'; using the latter", config.deviceId(), what,
                    connection.deviceId());
        }
    }
}
