package com.reliableedge.edge.health;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.reliableedge.edge.upstream.IotHubTransport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The IoT Hub connection as the device SDK reports it: {@code relay.iothub.connection.state{state}} is 1 for the
 * current state ({@code connected}, {@code disconnected_retrying}, {@code disconnected}) and 0 for the others, and
 * {@code relay.iothub.status.changes{status,reason}} counts every change with the SDK's reason.
 */
public class IotHubMetrics implements IotHubTransport.StatusListener {

    private final MeterRegistry registry;
    private final Map<String, Counter> changes = new ConcurrentHashMap<>();
    private volatile IotHubConnectionStatus current = IotHubConnectionStatus.DISCONNECTED;

    public IotHubMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (IotHubConnectionStatus s : IotHubConnectionStatus.values()) {
            Gauge.builder("relay.iothub.connection.state", this, m -> m.current == s ? 1 : 0).tag("state", name(s))
                    .description("1 for the IoT Hub connection's current state (as the device SDK reports it)")
                    .register(registry);
        }
    }

    @Override
    public void changed(IotHubConnectionStatus status, IotHubConnectionStatusChangeReason reason) {
        current = status;
        String r = reason == null ? "unspecified" : name(reason);
        changes.computeIfAbsent(name(status) + "/" + r, k -> Counter.builder("relay.iothub.status.changes").tag(
                "status", name(status)).tag("reason", r).description(
                        "Connection status changes the IoT Hub device SDK reported, by new status and reason")
                .register(registry)).increment();
    }

    public IotHubConnectionStatus current() {
        return current;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
