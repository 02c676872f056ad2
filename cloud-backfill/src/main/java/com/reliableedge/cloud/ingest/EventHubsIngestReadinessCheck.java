package com.reliableedge.cloud.ingest;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the Event Hubs ingest: DOWN while it is on and its processor is not running, or reported an error
 * with no success since ({@link EventHubsReadiness}); the last error is shown.
 */
@Readiness
@ApplicationScoped
public class EventHubsIngestReadinessCheck implements HealthCheck {

    private final EventHubsIngest ingest;

    public EventHubsIngestReadinessCheck(EventHubsIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("eventhubs-ingest");
        EventHubsIngest.State state = ingest.state();
        if (!state.enabled()) {
            return b.up().withData("enabled", false).build();
        }
        b.status(state.ready()).withData("enabled", true).withData("running", state.running())
                .withData("namespace", state.namespace()).withData("eventHubName", state.eventHubName())
                .withData("consumerGroup", state.consumerGroup())
                .withData("checkpointContainer", state.checkpointContainer())
                .withData("checkpointed", state.checkpointed());
        if (state.lastError() != null) {
            b.withData("lastError", state.lastError());
        } else if (!state.ready()) {
            b.withData("waiting", "no partition opened and no batch received since the start at "
                    + state.startedAt() + " (an instance that owns no partition is ready after "
                    + EventHubsReadiness.QUIET.toSeconds() + " s without an error)");
        }
        return b.build();
    }
}
