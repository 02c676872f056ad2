package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Scenario 2: the edge box is replaced while down: its data directory (buffer, cursors, jobs) is gone. The edge
 * cannot heal what it does not remember; the cloud finds the hole and the edge backfills it from the source.
 */
class EdgeDataWipedIT extends ScenarioBase {

    @Test
    void theCloudFindsTheHoleAndTheEdgeBackfillsIt() throws Exception {
        start(setup());
        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);
        holdFor(Duration.ofSeconds(5));

        system.edge().kill();
        system.wipeEdgeData();
        faults += 2;
        holdFor(Duration.ofSeconds(8));
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));

        assertEverythingArrived(Duration.ofSeconds(120));
        assertThat(system.api().backfills("COMPLETED").size()).as("requests the cloud made for the hole")
                .isGreaterThanOrEqualTo(3);
    }
}
