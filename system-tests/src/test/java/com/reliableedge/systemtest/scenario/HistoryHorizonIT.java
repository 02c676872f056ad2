package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.systemtest.cloud.CloudClient;

/**
 * Scenario 3: the source keeps only 15 s of history, and the edge is replaced (data wiped) and down for longer.
 * The part of the hole older than the source keeps is reported unrecoverable, with exactly that window; the rest is
 * repaired.
 */
class HistoryHorizonIT extends ScenarioBase {

    @Test
    void theUnrecoverablePartIsReportedAndTheRestRepaired() throws Exception {
        start(setup().withEdgeConfig(Map.of("relay.source.simulator.history-horizon", "15s")));
        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);
        holdFor(Duration.ofSeconds(4));

        system.edge().kill();
        system.wipeEdgeData();
        faults += 2;
        holdFor(Duration.ofSeconds(25));
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));

        assertEverythingArrived(Duration.ofSeconds(120));
        for (CloudClient.Stream s : system.api().streams()) {
            IndexKind kind = s.indexKind();
            JsonNode detail = system.api().stream(s.deviceId(), s.batchId());
            JsonNode lost = detail.path("lost");
            assertThat(lost.size()).as("lost windows of %s", s.batchId()).isEqualTo(1);
            Window lostWindow = Window.parse(kind, lost.get(0).path("startWindow").asText(), lost.get(0).path(
                    "endWindow").asText());
            CloudClient.Gap hole = system.api().gaps(s.deviceId()).stream()
                    .filter(g -> g.batchId().equals(s.batchId()) && g.state().equals("LOST"))
                    .findFirst().orElseThrow();
            Window holeWindow = Window.parse(kind, hole.startWindow(), hole.endWindow());
            // Exactly the part older than the horizon: from the hole's start up to a point inside the hole.
            assertThat(lostWindow.start()).as("lost window of %s starts where the hole starts", s.batchId())
                    .isEqualTo(holeWindow.start());
            assertThat(lostWindow.end()).as("lost window of %s ends where the history begins", s.batchId())
                    .isLessThanOrEqualTo(holeWindow.end());
        }
        assertThat(system.api().backfills("UNRECOVERABLE").size()).as("requests reported unrecoverable")
                .isPositive();
    }
}
