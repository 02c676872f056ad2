package com.reliableedge.cloud.ingest;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the MQTT ingest: DOWN while it is on and not connected and subscribed to its broker. */
@Readiness
@ApplicationScoped
public class MqttIngestReadinessCheck implements HealthCheck {

    private final MqttIngest ingest;

    public MqttIngestReadinessCheck(MqttIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("mqtt-ingest");
        MqttIngest.State state = ingest.state();
        if (!state.enabled()) {
            return b.up().withData("enabled", false).build();
        }
        b.status(state.connected()).withData("enabled", true).withData("url", state.url())
                .withData("clientId", state.clientId()).withData("topicFilter", state.topicFilter())
                .withData("acknowledged", state.acknowledged());
        if (state.lastError() != null) {
            b.withData("lastError", state.lastError());
        }
        return b.build();
    }
}
