package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Scenario 1: the network is down longer than the edge's buffer can hold. The buffer evicts its oldest batches
 * (counted), the cloud sees their windows as gaps once the network is back, and the edge backfills them from the
 * source's history.
 */
class OutageLongerThanBufferIT extends ScenarioBase {

    @Test
    void evictedWindowsAreBackfilledFromTheSource() throws Exception {
        start(setup().withEdgeConfig(Map.of("relay.buffer.max-bytes", "16384")));
        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);

        system.cutNetwork();
        faults++;
        awaitUntil("the edge buffer evicts for lack of room", Duration.ofSeconds(90), () -> edgeMetric(
                "relay_drops_total", "") > 0);
        holdFor(Duration.ofSeconds(5));
        system.restoreNetwork();

        assertEverythingArrived(Duration.ofSeconds(120));
        JsonNode requests = system.api().backfills(null);
        assertThat(requests.size()).as("backfill requests made for the evicted windows").isPositive();
        for (JsonNode r : requests) {
            assertThat(r.path("state").asText()).as("request %s", r.path("requestId").asText()).isEqualTo(
                    "COMPLETED");
        }
    }
}
