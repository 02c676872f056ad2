package com.reliableedge.cloud.invoker;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.Config;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.protocol.binding.PemTrust;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * Picks the method invoker named by {@code backfill.invoker.kind}: {@code http}, {@code mqtt} or {@code iothub}. Built
 * at startup ({@code @Startup}), so an unknown kind or a missing or malformed key stops the service before it
 * listens, naming the key and the value.
 */
@ApplicationScoped
public class MethodInvokerProducer {

    static final String INGEST_MQTT_URL = "backfill.ingest.mqtt.url";

    @Produces
    @ApplicationScoped
    @Startup
    MethodInvoker methodInvoker(BackfillConfig config, Config raw, Clock clock) {
        BackfillConfig.Invoker c = config.invoker();
        return switch (c.kind()) {
            case "http" -> new HttpMethodInvoker(c.connectTimeout(), c.responseTimeout(), c.tokenTtl(), config
                    .hubHostName(), clock);
            case "mqtt" -> mqtt(c, raw);
            case "iothub" -> new IotHubMethodInvoker(c.iothub().connectionString().orElseThrow(
                    () -> new IllegalStateException(IotHubMethodInvoker.KEY
                            + " is required for backfill.invoker.kind 'iothub'")),
                    c.iothub().trustStore(), c
                            .connectTimeout(),
                    c.responseTimeout(), c.tokenTtl(), clock, c.iothub().moduleId().filter(m -> !m.isBlank()));
            default -> throw new IllegalStateException("backfill.invoker.kind '" + c.kind()
                    + "' is unknown; use 'http', 'mqtt' or 'iothub'");
        };
    }

    private static MethodInvoker mqtt(BackfillConfig.Invoker c, Config raw) {
        BackfillConfig.InvokerMqtt m = c.mqtt();
        // Read by name: the ingest side owns its key, and the invoker only borrows its broker.
        String url = m.url().or(() -> raw.getOptionalValue(INGEST_MQTT_URL, String.class)).orElseThrow(
                () -> new IllegalStateException("backfill.invoker.kind 'mqtt' needs backfill.invoker.mqtt.url or "
                        + INGEST_MQTT_URL));
        Optional<javax.net.ssl.SSLContext> tls = m.trustStore().map(p -> PemTrust.sslContext(
                "backfill.invoker.mqtt.trust-store", p, false));
        Log.infof("method invoker: mqtt on %s as %s", url, m.clientId());
        return new MqttMethodInvoker(url, m.username(), m.password(), tls, m.clientId(), c.connectTimeout(), c
                .responseTimeout());
    }

    void close(@Disposes MethodInvoker invoker) throws Exception {
        if (invoker instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
