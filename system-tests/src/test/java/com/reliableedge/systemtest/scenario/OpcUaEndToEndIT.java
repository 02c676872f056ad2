package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.OpcUaTestServer;
import com.reliableedge.systemtest.opcua.OpcUaCompleteness;
import com.reliableedge.systemtest.opcua.OpcUaSource;
import com.reliableedge.systemtest.opcua.RecordedValues;
import com.reliableedge.systemtest.verify.StreamReport;

/**
 * Scenario 11: the edge on an OPC UA source ({@code relay.source.kind=opcua}) against the in-process
 * {@link OpcUaTestServer} (two Double nodes, a value every 100 ms, all kept in history), over HTTP through the fault
 * proxies. The network is cut for 8 s (the edge buffers), then the edge box is replaced (SIGKILL, data directory
 * deleted, restarted), so the cloud finds a hole per stream and asks for it; the edge repairs it with HistoryRead.
 * At the end every value the server recorded in {@code [origin, last live end)} of each stream is served exactly
 * once; {@code origin} is the cloud's, the start of the first live window of the first edge run.
 */
class OpcUaEndToEndIT extends ScenarioBase {

    private static final Pattern BACKFILL_DONE = Pattern.compile("Backfill \\S+ of \\S+ .* done");

    private OpcUaTestServer server;

    @Test
    void everyRecordedValueArrivesOnceThroughANetworkCutAndAWipedEdge() throws Exception {
        server = OpcUaTestServer.builder().nodes("line-1", "line-2").period(Duration.ofMillis(100)).start();
        Map<String, String> streams = new LinkedHashMap<>();
        for (String node : List.of("line-1", "line-2")) {
            streams.put(node, server.nodeId(node));
        }
        start(OpcUaSource.opcUa(setup(), server.endpointUrl(), streams));
        awaitUntil("values flow from the OPC UA server", Duration.ofSeconds(30), () -> system.api().streams()
                .size() == 2);
        holdFor(Duration.ofSeconds(4));

        system.cutNetwork();
        faults++;
        holdFor(Duration.ofSeconds(8));
        double acked = edgeMetric("relay_batches_acked_total", "");
        system.restoreNetwork();
        awaitUntil("the edge sends again after the cut", Duration.ofSeconds(30), () -> edgeMetric(
                "relay_batches_acked_total", "") > acked + 4);

        system.edge().kill();
        system.wipeEdgeData();
        faults += 2;
        holdFor(Duration.ofSeconds(6));
        java.time.Instant restarted = java.time.Instant.now();
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));
        // Otherwise the cloud is "quiet" before the new edge's first batch shows it the hole.
        awaitUntil("the restarted edge's live batches reach the cloud", Duration.ofSeconds(60), () -> system.api()
                .streams().stream().allMatch(s -> s.lastLiveEnd() != null && java.time.Instant.parse(s.lastLiveEnd())
                        .isAfter(restarted)));

        RecordedValues recorded = (nodeId, from, to) -> server.recorded(nodeId.substring(nodeId.indexOf(";s=") + 3),
                from, to).stream().map(r -> new RecordedValues.Value(r.sourceMillis(), r.value())).toList();
        List<StreamReport> reports = assertEverythingArrived(Duration.ofSeconds(90), () -> new OpcUaCompleteness(
                system.api(), system.setup().deviceId(), streams, recorded).check());
        assertThat(reports).allSatisfy(r -> assertThat(r.lostWindows()).as("windows lost in %s", r.batchId())
                .isZero());
        assertThat(reports).allSatisfy(r -> assertThat(r.gapsRepaired()).as("gaps repaired in %s", r.batchId())
                .isPositive());

        assertThat(system.api().backfills("COMPLETED").size()).as("requests the cloud made for the wiped edge's hole")
                .isGreaterThanOrEqualTo(2);
        assertThat(system.api().backfills(null).size()).as("every request completed").isEqualTo(system.api()
                .backfills("COMPLETED").size());
        // The restarted edge answered them from the server's history: its backfill jobs finished.
        long done = Files.readAllLines(system.edge().log()).stream().filter(l -> BACKFILL_DONE.matcher(l).find())
                .count();
        assertThat(done).as("backfill jobs the edge finished with HistoryRead (%s)", system.edge().log())
                .isGreaterThanOrEqualTo(2);
    }

    @AfterEach
    void stopServer() throws Exception {
        stopSystem();
        if (server != null) {
            server.close();
        }
    }
}
