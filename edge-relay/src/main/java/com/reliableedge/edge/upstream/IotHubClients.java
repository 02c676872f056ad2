package com.reliableedge.edge.upstream;

import javax.net.ssl.SSLContext;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.reliableedge.edge.config.DeviceIdentity;

/**
 * The device SDK's client for the relay's IoT Hub identity: a {@link DeviceClient} for a device connection string, a
 * {@link ModuleClient} for a module connection string, or, for an IoT Edge module, the module client the SDK builds
 * from the runtime's {@code IOTEDGE_*} environment (it asks the workload API, over {@link JdkUnixDomainSocketChannel},
 * for the edge CA's trust bundle now and for each SAS token's signature, and connects to edgeHub at
 * {@code IOTEDGE_GATEWAYHOSTNAME}).
 */
final class IotHubClients {

    private IotHubClients() {
    }

    /**
     * @param trust TLS trust replacing the SDK's default (and, for an IoT Edge module, the workload API's trust
     *        bundle), or null
     * @throws IllegalStateException naming the key or the variable when the client cannot be built
     */
    static InternalClient create(DeviceIdentity identity, IotHubClientProtocol protocol, SSLContext trust) {
        if (identity.edgeModule() != null) {
            try {
                // The SDK reads the same IOTEDGE_* variables that DeviceIdentity checked, from the process.
                return ModuleClient.createFromEnvironment(new JdkUnixDomainSocketChannel(), protocol, trust == null
                        ? null
                        : IotHubTransport.options(trust));
            } catch (IotHubClientException | RuntimeException e) {
                throw new IllegalStateException("Could not set up the IoT Edge module identity through the workload API"
                        + " at " + identity.edgeModule().workloadUri() + " (IOTEDGE_WORKLOADURI): " + e.getMessage(),
                        e);
            }
        }
        if (identity.connection() == null) {
            throw new IllegalStateException("relay.connection-string is required for relay.upstream.kind 'iothub'"
                    + " unless the relay runs as an IoT Edge module (IOTEDGE_* set, relay.upstream.iothub.identity"
                    + " 'module' or 'auto')");
        }
        try {
            String connectionString = identity.connection().format();
            return identity.isModule()
                    ? new ModuleClient(connectionString, protocol, IotHubTransport.options(trust))
                    : new DeviceClient(connectionString, protocol, IotHubTransport.options(trust));
        } catch (IllegalArgumentException e) {
            // The SDK's own checks (a HostName without the hub's name before a dot, …); they never show the key.
            throw new IllegalStateException("relay.connection-string is not usable for IoT Hub (HostName '" + identity
                    .connection().hostName() + "'): " + e.getMessage(), e);
        }
    }
}
