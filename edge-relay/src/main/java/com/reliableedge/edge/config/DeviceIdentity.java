package com.reliableedge.edge.config;

import com.reliableedge.protocol.auth.ConnectionString;

import io.quarkus.logging.Log;

/**
 * Who this relay is: its device id and, when one is configured, its connection string (which signs upstream requests
 * and checks method calls).
 *
 * @param connection the connection string, or {@code null} when none is configured (then upstream requests go
 *        unsigned and every method call is refused)
 */
public record DeviceIdentity(String deviceId, ConnectionString connection) {

    /** From {@code relay.connection-string} and {@code relay.device-id}; the connection string's DeviceId wins. */
    public static DeviceIdentity of(RelayConfig config) {
        ConnectionString connection = config.connectionString().filter(s -> !s.isBlank()).map(
                ConnectionString::parse).orElse(null);
        if (connection != null && !connection.deviceId().equals(config.deviceId())) {
            Log.warnf("relay.device-id '%s' differs from the connection string's DeviceId '%s'; using the latter",
                    config.deviceId(), connection.deviceId());
        }
        return new DeviceIdentity(connection != null ? connection.deviceId() : config.deviceId(), connection);
    }
}
