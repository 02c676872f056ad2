package com.reliableedge.cloud.ingest;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the Kafka ingest: DOWN while it is on and has not joined its consumer group or has no connection to
 * a broker. A member without partitions (more instances than partitions) is ready.
 */
@Readiness
@ApplicationScoped
public class KafkaIngestReadinessCheck implements HealthCheck {

    private final KafkaIngest ingest;

    public KafkaIngestReadinessCheck(KafkaIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("kafka-ingest");
        KafkaIngest.State state = ingest.state();
        if (!state.enabled()) {
            return b.up().withData("enabled", false).build();
        }
        b.status(state.ready()).withData("enabled", true).withData("bootstrapServers", state.bootstrapServers())
                .withData("topic", state.topic()).withData("groupId", state.groupId())
                .withData("assignedPartitions", state.assignedPartitions()).withData("committed", state
                        .committed());
        if (state.lastError() != null) {
            b.withData("lastError", state.lastError());
        }
        return b.build();
    }
}
