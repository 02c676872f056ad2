package com.reliableedge.edge.upstream;

import java.time.Clock;

import javax.net.ssl.SSLContext;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.reliableedge.edge.buffer.BatchBuffer;
import com.reliableedge.edge.buffer.Sealed;
import com.reliableedge.edge.config.DeviceIdentity;
import com.reliableedge.edge.config.MonotonicClock;
import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.health.IotHubMetrics;
import com.reliableedge.edge.health.RelayMetrics;
import com.reliableedge.protocol.message.Envelope;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;

/** The configured transport ({@code relay.upstream.kind}) and the sender that drains the buffer over it. */
@ApplicationScoped
public class UpstreamProducer {

    /** @throws IllegalStateException naming the key when the configured kind is not built (fails the startup) */
    @Produces
    @Singleton
    Transport transport(RelayConfig config, DeviceIdentity device, Clock wallClock, MeterRegistry registry) {
        String kind = config.upstream().kind();
        if ("mqtt".equals(kind)) {
            return mqtt(config.upstream().mqtt(), device);
        }
        if ("iothub".equals(kind)) {
            return iotHub(config.upstream().iothub(), device, registry);
        }
        if (!"http".equals(kind)) {
            throw new IllegalStateException(
                    "relay.upstream.kind '" + kind + "' is not available; use 'http', 'mqtt' or 'iothub'");
        }
        if (device.connection() == null) {
            Log.error("relay.connection-string is not set: upstream requests go unsigned (the cloud will refuse"
                    + " them) and every backfill call is refused");
        }
        RelayConfig.Http http = config.upstream().http();
        return new HttpTransport(http.url(), device.deviceId(), device.connection(), http.timeout(), http.tokenTtl(),
                wallClock);
    }

    /** @throws IllegalStateException naming the key and the value of a missing or unusable setting */
    private static Transport mqtt(RelayConfig.Mqtt mqtt, DeviceIdentity device) {
        MqttSettings settings = MqttSettings.from(mqtt, device.deviceId());
        Log.infof("Upstream over MQTT: %s", settings);
        return new MqttTransport(settings, device.deviceId());
    }

    /**
     * @throws IllegalStateException naming the key (or the IOTEDGE_* variable) when the identity, protocol or trust
     *             store is unusable
     */
    static IotHubTransport iotHub(RelayConfig.IotHub hub, DeviceIdentity device, MeterRegistry registry) {
        IotHubClientProtocol protocol;
        SSLContext trust;
        try {
            protocol = IotHubTransport.protocol(hub.protocol());
            trust = hub.trustStore().map(IotHubTransport::trusting).orElse(null);
        } catch (IllegalArgumentException e) {
            // Already names the key and the value.
            throw new IllegalStateException(e.getMessage(), e);
        }
        String name = device.isModule() ? device.deviceId() + "/" + device.moduleId() : device.deviceId();
        return new IotHubTransport(IotHubClients.create(device, protocol, trust), name, hub.output(), hub.timeout(),
                Envelope.MAX_MESSAGE_BYTES, new IotHubMetrics(registry));
    }

    void close(@Disposes Transport transport) {
        transport.close();
    }

    /** Not started here: {@code EdgeRelay} starts it once the store is open and stops it before the store closes. */
    @Produces
    @Singleton
    Sender sender(BatchBuffer buffer, Transport transport, DeviceIdentity device, RelayConfig config, Clock wallClock,
            MonotonicClock clock, RelayMetrics metrics) {
        RelayConfig.Sender s = config.sender();
        return new Sender(buffer, transport, device.deviceId(), s.maxInFlight(), config.lanes().liveWindow(),
                new Backoff(s.initialBackoff(), s.maxBackoff()), new RateBudget(s.maxMessagesPerSecond().orElse(0), s
                        .maxBytesPerSecond().orElse(0), clock),
                wallClock, clock, metrics);
    }

    /** Whatever was sealed, live or backfill, is the sender's to send. */
    void onSealed(@Observes Sealed sealed, Sender sender) {
        sender.wake();
    }
}
