package com.reliableedge.systemtest.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.systemtest.cloud.CloudClient;
import com.reliableedge.systemtest.harness.Bindings;
import com.reliableedge.systemtest.harness.RelaySystem;
import com.reliableedge.systemtest.opcua.OpcUaCompleteness;
import com.reliableedge.systemtest.opcua.OpcUaHistory;
import com.reliableedge.systemtest.opcua.OpcUaServerProcess;
import com.reliableedge.systemtest.opcua.OpcUaSource;
import com.reliableedge.systemtest.verify.StreamReport;
import com.reliableedge.systemtest.verify.Tally;

/**
 * The one-command demo: cloud-backfill (H2) and edge-relay (simulator, three streams, one sequence-indexed) as two
 * processes wired over HTTP through fault proxies. Partway it cuts the network, kills the edge with SIGKILL and
 * restarts it, while the simulator drops its live feed now and then; then it waits for the cloud to repair every
 * gap and checks that every simulator event is served exactly once. Exits 0 only when nothing is missing.
 * <p>
 * With {@code --transport mqtt} both apps talk through a local mosquitto instead (the test fixture's: Debian's
 * {@code mosquitto}, installed with apt-get when missing and run as root): the edge publishes there, the cloud
 * ingests from there and sends the backfill method there; the network cut becomes the broker stopped for 15 s.
 * <p>
 * With {@code --source opcua} the edge reads an OPC UA server instead of the simulator: the test-fixtures'
 * {@code OpcUaTestServer} as its own process (two nodes, a value every 100 ms, all kept in history), one stream per
 * node; the same faults; the final report compares what the server recorded (read back from it with HistoryRead)
 * with what the cloud serves.
 */
public final class Demo {

    private final RelaySystem.Setup setup;
    private final boolean keepRunning;
    private final Mosquitto broker;
    private final StatusLine status = new StatusLine(System.console() != null);
    private final OpcUaServerProcess opcUa;
    private final Map<String, String> opcUaStreams;

    private Demo(RelaySystem.Setup setup, boolean keepRunning, Mosquitto broker) {
        this(setup, keepRunning, broker, null, Map.of());
    }

    private Demo(RelaySystem.Setup setup, boolean keepRunning, Mosquitto broker, OpcUaServerProcess opcUa,
            Map<String, String> opcUaStreams) {
        this.setup = setup;
        this.keepRunning = keepRunning;
        this.broker = broker;
        this.opcUa = opcUa;
        this.opcUaStreams = opcUaStreams;
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        boolean keep = arguments.contains("--keep-running");
        int t = arguments.indexOf("--transport");
        String transport = t >= 0 && t + 1 < arguments.size() ? arguments.get(t + 1) : "http";
        if (!List.of("http", "mqtt").contains(transport)) {
            System.err.println("--transport '" + transport + "' is not available; use 'http' or 'mqtt'");
            System.exit(2);
        }
        Path root = Path.of(System.getProperty("demo.root", ".")).toAbsolutePath().normalize();
        Path work = root.resolve("target/demo/" + Instant.now().toString().replace(':', '-'));
        RelaySystem.Setup setup = RelaySystem.Setup.defaults(root, work)
                .withDeviceId("demo-site")
                .withEdgeConfig(Map.of(
                        "relay.source.simulator.disconnect-every", "40s",
                        "relay.source.simulator.disconnect-for", "4s"));
        String source = option(arguments, "--source", "simulator");
        if (!List.of("simulator", "opcua").contains(source)) {
            System.err.println("--source '" + source + "' is not available; use 'simulator' or 'opcua'");
            System.exit(2);
        }
        if ("opcua".equals(source)) {
            System.exit(runOnOpcUa(setup, keep, transport));
        }
        if (!"mqtt".equals(transport)) {
            System.exit(new Demo(setup, keep, null).run());
        }
        int code;
        // Closed before the exit: the broker is a child process and would outlive the demo.
        try (Mosquitto broker = Mosquitto.builder(work.resolve("mosquitto")).start()) {
            code = new Demo(Bindings.mqtt(setup, broker.url()), keep, broker).run();
        }
        System.exit(code);
    }

    private static String option(List<String> arguments, String name, String fallback) {
        int i = arguments.indexOf(name);
        return i >= 0 && i + 1 < arguments.size() ? arguments.get(i + 1) : fallback;
    }

    /** The demo on the OPC UA test server, run as its own process and stopped before the exit. */
    private static int runOnOpcUa(RelaySystem.Setup setup, boolean keep, String transport) throws Exception {
        List<String> nodes = List.of("line-1", "line-2");
        try (OpcUaServerProcess server = OpcUaServerProcess.start(nodes, setup.period(), setup.work().resolve(
                "opcua-server.log"))) {
            Map<String, String> streams = new LinkedHashMap<>();
            for (String n : nodes) {
                streams.put(n, server.nodeIds().get(n));
            }
            RelaySystem.Setup onOpcUa = OpcUaSource.opcUa(setup, server.endpointUrl(), streams);
            if (!"mqtt".equals(transport)) {
                return new Demo(onOpcUa, keep, null, server, streams).run();
            }
            try (Mosquitto broker = Mosquitto.builder(setup.work().resolve("mosquitto")).start()) {
                return new Demo(Bindings.mqtt(onOpcUa, broker.url()), keep, broker, server, streams).run();
            }
        }
    }

    private String sourceDescription() {
        if (opcUa == null) {
            return "; streams " + setup.timeStreams() + " by time, " + setup.sequenceStreams() + " by sequence;"
                    + " the simulator drops its live feed for 4 s in every 40 s";
        }
        return "; streams " + opcUaStreams + " by time from the OPC UA test server " + opcUa.endpointUrl()
                + " (pid " + opcUa.pid() + ", log " + setup.root().relativize(opcUa.log()) + ")";
    }

    /** Every stream's report: against the simulator's formula, or against what the OPC UA server recorded. */
    private List<StreamReport> completeness(RelaySystem system) throws IOException, InterruptedException {
        if (opcUa == null) {
            return system.completeness();
        }
        try (OpcUaHistory history = OpcUaHistory.connect(opcUa.endpointUrl())) {
            return new OpcUaCompleteness(system.api(), setup.deviceId(), opcUaStreams, history).check();
        }
    }

    int run() throws Exception {
        say("Reliable Edge Relay demo; logs and data in " + setup.root().relativize(setup.work()));
        if (broker != null) {
            say("over MQTT: mosquitto on " + broker.url() + " (log " + setup.root().relativize(broker.log()) + ")");
        }
        try (RelaySystem system = RelaySystem.start(setup)) {
            say("cloud-backfill on " + system.cloud().baseUri() + ", edge-relay on " + system.edge().baseUri()
                    + sourceDescription());
            say("cloud dashboard " + system.cloud().baseUri() + "/ (operator key " + system.operatorKey() + ")");
            say("status line: the source's events up to the cloud's newest live batch = live (arrived in order)"
                    + " + repaired (filled after the cloud saw a gap: backlog or backfill) + lost (gone from the"
                    + " source) + missing (not there yet)");
            Instant started = Instant.now();
            phase(system, Duration.ofSeconds(20), "flowing");

            if (broker == null) {
                say("cutting the network between edge and cloud for 15 s");
                system.cutNetwork();
                phase(system, Duration.ofSeconds(15), "network cut");
                system.restoreNetwork();
                say("network restored");
            } else {
                say("stopping the broker for 15 s");
                broker.stop();
                phase(system, Duration.ofSeconds(15), "broker down");
                broker.start();
                say("broker restarted");
            }
            phase(system, Duration.ofSeconds(10), "recovering");

            say("killing edge-relay with SIGKILL (pid " + system.edge().pid() + ")");
            system.edge().kill();
            phase(system, Duration.ofSeconds(5), "edge down");
            system.edge().startAndAwaitReady(Duration.ofSeconds(60));
            say("edge-relay restarted");
            phase(system, Duration.ofSeconds(15), "flowing");

            say("faults over; waiting for the cloud to repair every gap");
            boolean quiet = awaitQuiet(system, Duration.ofSeconds(75));
            List<StreamReport> reports = completeness(system);
            // Over the very windows the report checked (the streams go on meanwhile), so the figures match it.
            Snapshot last = snapshot(system, reports);
            saveForDiagnosis(system.api());
            status.clear();
            System.out.println();
            System.out.println(StreamReport.table(reports));
            if (last.ok()) {
                System.out.println(StatusLine.figures(last));
            }
            boolean complete = quiet && !reports.isEmpty() && reports.stream().allMatch(StreamReport::complete);
            System.out.printf("%s after %d s%n", complete
                    ? "COMPLETE: every expected event is in the cloud"
                    : "INCOMPLETE: " + (quiet ? "" : "gaps still open; ") + "see the report above and the logs in "
                            + setup.work(),
                    Duration.between(started, Instant.now()).toSeconds());
            if (keepRunning) {
                keepRunning(system);
            }
            return complete ? 0 : 1;
        }
    }

    /** Lets a phase run, refreshing the status line each second. */
    private void phase(RelaySystem system, Duration length, String label) throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            status.show(label, snapshot(system));
            // Pacing the demo's own status line; nothing to wait on.
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private boolean awaitQuiet(RelaySystem system, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            status.show("repairing", snapshot(system));
            if (system.awaitQuiet(Duration.ofSeconds(4))) {
                return true;
            }
        }
        return false;
    }

    record Snapshot(boolean ok, int streams, Tally tally, long backfillRequests, int openGaps, int requestsInFlight) {
    }

    /** What the cloud serves against what the simulator holds, over each stream's checked window ({@link Tally}). */
    private Snapshot snapshot(RelaySystem system) {
        return snapshot(system, null);
    }

    /** @param checkedBy the reports whose windows to count over; null for each stream's current window */
    private Snapshot snapshot(RelaySystem system, List<StreamReport> checkedBy) {
        CloudClient api = system.api();
        try {
            List<CloudClient.Stream> streams = api.streams().stream().filter(s -> s.deviceId().equals(setup
                    .deviceId())).toList();
            List<CloudClient.Gap> gapsSeen = api.gaps(setup.deviceId());
            Tally tally = Tally.NONE;
            int gaps = 0;
            for (CloudClient.Stream s : streams) {
                gaps += s.openGaps();
                String from = s.origin();
                String to = s.lastLiveEnd();
                if (checkedBy != null) {
                    StreamReport r = checkedBy.stream().filter(c -> c.batchId().equals(s.batchId())).findFirst()
                            .orElse(null);
                    from = r == null ? null : r.from();
                    to = r == null ? null : r.to();
                }
                if (from == null || to == null) {
                    continue;
                }
                Window checked = Window.parse(s.indexKind(), from, to);
                tally = tally.plus(Tally.of(api.stream(setup.deviceId(), s.batchId()), gapsSeen.stream().filter(
                        g -> g.batchId().equals(s.batchId())).toList(), s.indexKind(), setup.period().toMillis(),
                        checked));
            }
            int inFlight = api.backfills("PENDING").size() + api.backfills("REQUESTED").size();
            return new Snapshot(true, streams.size(), tally, api.backfills(null).size(), gaps, inFlight);
        } catch (IOException e) {
            return new Snapshot(false, 0, Tally.NONE, 0, 0, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Snapshot(false, 0, Tally.NONE, 0, 0, 0);
        }
    }

    /** Keeps the cloud's view of gaps and requests beside the logs, for a look after the run. */
    private void saveForDiagnosis(CloudClient api) throws IOException, InterruptedException {
        StringBuilder gaps = new StringBuilder();
        for (CloudClient.Gap g : api.gaps(setup.deviceId())) {
            gaps.append(g).append('\n');
        }
        Files.writeString(setup.work().resolve("gaps.txt"), gaps);
        Files.writeString(setup.work().resolve("backfills.json"), api.backfills(null).toPrettyString());
    }

    private void keepRunning(RelaySystem system) throws InterruptedException {
        System.out.println();
        System.out.println("Both apps keep running (Ctrl-C stops them):");
        System.out.println(
                "  cloud dashboard     " + system.cloud().baseUri() + "/   (operator key " + system.operatorKey()
                        + ")");
        System.out.println("  cloud operator API  " + system.cloud().baseUri() + "/api/v1/streams"
                + "   (Authorization: Bearer " + system.operatorKey() + ")");
        System.out.println("  cloud Swagger UI    " + system.cloud().baseUri() + "/q/swagger-ui");
        System.out.println("  cloud metrics       " + system.cloud().baseUri() + "/q/metrics");
        System.out.println("  edge metrics        " + system.edge().baseUri() + "/q/metrics");
        System.out.println("  edge health         " + system.edge().baseUri() + "/q/health");
        new CountDownLatch(1).await();
    }

    private void say(String line) {
        status.clear();
        System.out.println("[demo] " + line);
    }

    /** A live status line: rewritten in place on a terminal, a plain line every five seconds otherwise. */
    static final class StatusLine {
        private final boolean terminal;
        private long lastPrinted;

        StatusLine(boolean terminal) {
            this.terminal = terminal;
        }

        /** {@code source N = live + repaired + lost + missing}, then the gaps and requests. */
        static String figures(Snapshot s) {
            Tally t = s.tally();
            return String.format("source %,d = live %,d + repaired %,d + lost %,d + missing %,d | open gaps %d"
                    + " | backfill requests %d (%d in flight)", t.expected(), t.live(), t.repaired(), t.lost(),
                    t
                            .missing(),
                    s.openGaps(), s.backfillRequests(), s.requestsInFlight());
        }

        void show(String phase, Snapshot s) {
            String line = String.format("[%-11s] ", phase) + (s.ok() ? figures(s) : "cloud not answering");
            if (terminal) {
                System.out.print("\r" + line + "   ");
                System.out.flush();
            } else if (lastPrinted == 0 || System.nanoTime() - lastPrinted > 5_000_000_000L) {
                System.out.println(line);
                lastPrinted = System.nanoTime();
            }
        }

        void clear() {
            if (terminal) {
                System.out.print("\r" + " ".repeat(170) + "\r");
            }
        }
    }
}
