package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;

import com.reliableedge.systemtest.cloud.CloudClient;
import com.reliableedge.systemtest.cloud.PrometheusText;
import com.reliableedge.systemtest.harness.RelaySystem;
import com.reliableedge.systemtest.verify.StreamReport;

/**
 * Common ground of the system scenarios: a {@link RelaySystem} of the packaged apps in its own directory under
 * {@code target/system-tests}, a count of the faults injected, and the final check with its figures appended to
 * {@code target/reliability/figures.md} (the source of docs/RELIABILITY.md).
 */
abstract class ScenarioBase {

    static final Path ROOT = Path.of(System.getProperty("relay.root", "..")).toAbsolutePath().normalize();

    RelaySystem system;
    int faults;
    private String scenario;

    RelaySystem.Setup setup() {
        scenario = getClass().getSimpleName();
        Path work = ROOT.resolve("system-tests/target/system-tests/" + scenario + "-" + Instant.now().toString()
                .replace(':', '-'));
        return RelaySystem.Setup.defaults(ROOT, work);
    }

    RelaySystem start(RelaySystem.Setup setup) throws IOException, InterruptedException {
        system = RelaySystem.start(setup);
        return system;
    }

    /**
     * Holds the current state (a fault, or normal flow) for {@code length}. The length is part of the scenario, not
     * a wait for something to happen: the processes under test run on real time.
     */
    static void holdFor(Duration length) {
        await().pollDelay(length).atMost(length.plusSeconds(5)).until(() -> true);
    }

    /** Waits until {@code condition} holds, checking every half second. */
    static void awaitUntil(String what, Duration timeout, Callable<Boolean> condition) {
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(condition);
    }

    /** A counter or gauge of the edge, summed over its labels; 0 while the edge is down. */
    double edgeMetric(String name, String labelFilter) throws IOException, InterruptedException {
        return PrometheusText.sum(system.edgeMetrics(), name, labelFilter);
    }

    /**
     * Waits until the cloud is quiet and checks the promise: every simulator event in each stream's checked window
     * is served exactly once with its value, outside windows recorded as lost.
     */
    List<StreamReport> assertEverythingArrived(Duration quietTimeout) throws IOException, InterruptedException {
        return assertEverythingArrived(quietTimeout, system::completeness);
    }

    /** What a completeness check answers: one report per stream of the device. */
    @FunctionalInterface
    interface CompletenessCheck {
        List<StreamReport> check() throws IOException, InterruptedException;
    }

    /** {@link #assertEverythingArrived(Duration)} with another source's check (an OPC UA server's record). */
    List<StreamReport> assertEverythingArrived(Duration quietTimeout, CompletenessCheck check) throws IOException,
            InterruptedException {
        assertThat(system.awaitQuiet(quietTimeout)).as("the cloud repaired every gap within %s (see %s)",
                quietTimeout, system.setup().work()).isTrue();
        List<StreamReport> reports = check.check();
        System.out.println(StreamReport.table(reports));
        record(reports);
        assertThat(reports).hasSize(system.setup().timeStreams().size() + system.setup().sequenceStreams().size());
        for (StreamReport r : reports) {
            assertThat(r.expected()).as("events checked in %s", r.batchId()).isPositive();
            assertThat(r.missing()).as("events missing in %s", r.batchId()).isZero();
            assertThat(r.duplicates()).as("duplicate events served in %s", r.batchId()).isZero();
            assertThat(r.wrong()).as("unexpected or wrong events in %s", r.batchId()).isZero();
        }
        return reports;
    }

    private void record(List<StreamReport> reports) throws IOException, InterruptedException {
        CloudClient api = system.api();
        long duplicatesDelivered = system.upstream().duplicatedRequests();
        long duplicatesAcknowledged = (long) PrometheusText.sum(api.metrics(), "backfill_batches_duplicated_total",
                "");
        List<Duration> repairs = new ArrayList<>();
        for (CloudClient.Gap g : api.gaps(system.setup().deviceId())) {
            if (g.closedAt() != null && g.observedAt() != null) {
                repairs.add(Duration.between(g.observedAt(), g.closedAt()));
            }
        }
        repairs.sort(null);
        long checked = reports.stream().mapToLong(StreamReport::expected).sum();
        long lost = reports.stream().mapToLong(StreamReport::missing).sum();
        long stored = reports.stream().mapToLong(StreamReport::duplicates).sum();
        int lostWindows = reports.stream().mapToInt(StreamReport::lostWindows).sum();
        String row = String.format("| %s | %d | %,d | %d | %d | %d | %d | %d | %d | %s | %s |%n", scenario, faults,
                checked, lost, lostWindows, duplicatesDelivered, duplicatesAcknowledged, stored, repairs.size(),
                repairs.isEmpty()
                        ? "-"
                        : seconds(
                                repairs.get(repairs.size() / 2)),
                repairs.isEmpty()
                        ? "-"
                        : seconds(repairs.get(repairs
                                .size() - 1)));
        Path figures = ROOT.resolve("system-tests/target/reliability/figures.md");
        Files.createDirectories(figures.getParent());
        if (!Files.exists(figures)) {
            Files.writeString(figures, "| scenario | faults | events checked | events lost | lost windows | "
                    + "duplicate requests delivered | acknowledged as duplicates | duplicate events stored | "
                    + "gaps repaired | median repair | worst repair |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        }
        Files.writeString(figures, row, StandardOpenOption.APPEND);
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    @AfterEach
    void stopSystem() {
        if (system != null) {
            system.close();
        }
    }
}
