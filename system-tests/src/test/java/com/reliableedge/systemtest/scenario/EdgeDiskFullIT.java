package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.fixtures.SmallFilesystem;
import com.reliableedge.systemtest.harness.RelaySystem;

/**
 * Scenario: the edge's data directory is a 16 MB filesystem, and the upstream is cut until the store has filled it
 * (readiness DOWN, {@code storeWritable: false}). Once the link is back the relay releases what the cloud
 * acknowledges (giving up its disk reserve for the first release), drains, rebuilds the reserve, resumes sealing on
 * its own, and the windows it dropped while full are backfilled from the source: every event of
 * {@code [origin, last live end)} arrives exactly once, and the relay never restarted.
 */
class EdgeDiskFullIT extends ScenarioBase {

    private static final int DISK_MB = 16;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private SmallFilesystem disk;

    @Test
    void aFullDiskAtTheEdgeRecoversWithoutARestartOnceTheLinkIsBack() throws Exception {
        RelaySystem.Setup base = setup();
        // One fast stream of padded events (about 1 MB/s) fills the disk in seconds. At this rate a default history
        // chunk (1 min, 40 MB of the 20,000 events one read takes) would not fit on the small disk in one
        // transaction: relay.backfill.max-step-bytes cuts it.
        RelaySystem.Setup setup = new RelaySystem.Setup(base.root(), base.work(), base.deviceId(), List.of("line-1"),
                List.of(), Duration.ofMillis(2), base.cloudApp(), base.cloudConfig(), Map.of(
                        "relay.source.simulator.event-bytes", "2000"),
                base
                        .jvmFlags());
        disk = SmallFilesystem.mount(setup.work().resolve("edge-data"), DISK_MB);
        start(setup);
        assertThat(system.edgeDataDir()).isEqualTo(disk.dir());
        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 1);
        long pid = system.edge().pid();

        system.cutNetwork();
        faults++;
        long cutAt = System.nanoTime();
        awaitUntil("the store fills the disk", Duration.ofSeconds(120), () -> !storeWritable());
        double fillSeconds = (System.nanoTime() - cutAt) / 1e9;
        // Full for a while: sealed windows are dropped (counted), which the cloud must later see as gaps.
        awaitUntil("windows dropped on the full disk", Duration.ofSeconds(60), () -> edgeMetric("relay_drops_total",
                "reason=\"diskFull\"") >= 3);
        long usableWhenFull = disk.usableBytes();
        holdFor(Duration.ofSeconds(3));

        system.restoreNetwork();
        long restoredAt = System.nanoTime();
        awaitUntil("readiness UP again", Duration.ofSeconds(90), () -> readinessUp());
        double recoverySeconds = (System.nanoTime() - restoredAt) / 1e9;

        assertEverythingArrived(Duration.ofSeconds(150));
        assertThat(system.edge().isAlive()).isTrue();
        assertThat(system.edge().pid()).as("the same relay process recovered").isEqualTo(pid);
        assertThat(system.edge().starts()).isEqualTo(1);
        assertThat(edgeMetric("relay_disk_reserve_used_total", "")).as("disk reserve given up").isPositive();
        assertThat(edgeMetric("relay_disk_reserve_present", "")).as("disk reserve rebuilt").isEqualTo(1);
        assertThat(edgeMetric("relay_buffer_messages", "")).as("messages waiting after the drain").isLessThan(50);
        double dropped = edgeMetric("relay_drops_total", "reason=\"diskFull\"");
        JsonNode requests = system.api().backfills(null);
        assertThat(requests.size()).as("backfill requests for the windows dropped while full").isPositive();
        System.out.printf("EdgeDiskFullIT: %d MB disk filled %.1f s after the cut (%d bytes left); %.0f sealed"
                + " windows dropped while full; readiness UP %.1f s after the link came back; %d backfill requests;"
                + " reserve given up %.0f times%n", DISK_MB, fillSeconds, usableWhenFull, dropped, recoverySeconds,
                requests.size(), edgeMetric("relay_disk_reserve_used_total", ""));
    }

    private JsonNode readiness() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(system.edge().baseUri().resolve("/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }

    private boolean storeWritable() throws IOException, InterruptedException {
        for (JsonNode check : readiness().path("checks")) {
            if (check.path("data").has("storeWritable")) {
                return check.path("data").path("storeWritable").asBoolean();
            }
        }
        return true;
    }

    private boolean readinessUp() throws IOException, InterruptedException {
        return "UP".equals(readiness().path("status").asText());
    }

    @AfterEach
    void unmount() throws Exception {
        if (system != null) {
            system.close();
        }
        if (disk != null) {
            disk.close();
        }
    }
}
