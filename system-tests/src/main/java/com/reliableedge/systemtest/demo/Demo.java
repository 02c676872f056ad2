package com.reliableedge.systemtest.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.reliableedge.systemtest.cloud.CloudClient;
import com.reliableedge.systemtest.cloud.PrometheusText;
import com.reliableedge.systemtest.process.AppProcess;
import com.reliableedge.systemtest.process.FreePorts;
import com.reliableedge.systemtest.proxy.Fault;
import com.reliableedge.systemtest.proxy.FaultProxy;
import com.reliableedge.systemtest.verify.Completeness;
import com.reliableedge.systemtest.verify.StreamReport;

/**
 * The one-command demo: cloud-backfill (H2) and edge-relay (simulator, three streams, one sequence-indexed) as two
 * processes wired over HTTP through fault proxies. Partway it cuts the network, kills the edge with SIGKILL and
 * restarts it, while the simulator drops its live feed now and then; then it waits for the cloud to repair every
 * gap and checks that every simulator event is served exactly once. Exits 0 only when nothing is missing.
 */
public final class Demo {

    static final String DEVICE = "demo-site";
    static final List<String> TIME_STREAMS = List.of("line-1", "line-2");
    static final List<String> SEQUENCE_STREAMS = List.of("counter-1");
    static final Duration PERIOD = Duration.ofMillis(100);
    static final long SEQUENCE_RATE = 10;

    private final Path root;
    private final Path work;
    private final boolean keepRunning;
    private final StatusLine status;

    private Demo(Path root, Path work, boolean keepRunning) {
        this.root = root;
        this.work = work;
        this.keepRunning = keepRunning;
        this.status = new StatusLine(System.console() != null);
    }

    public static void main(String[] args) throws Exception {
        boolean keep = List.of(args).contains("--keep-running");
        Path root = Path.of(System.getProperty("demo.root", ".")).toAbsolutePath().normalize();
        Path work = root.resolve("target/demo/" + Instant.now().toString().replace(':', '-'));
        int exit = new Demo(root, work, keep).run();
        System.exit(exit);
    }

    int run() throws Exception {
        Files.createDirectories(work);
        String operatorKey = UUID.randomUUID().toString();
        int cloudPort = FreePorts.next();
        int edgePort = FreePorts.next();
        say("Reliable Edge Relay demo; logs and data in " + root.relativize(work));

        try (AppProcess cloud = new AppProcess("cloud-backfill", root.resolve(
                "cloud-backfill/target/quarkus-app/quarkus-run.jar"), cloudPort, cloudConfig(operatorKey),
                jvmFlags(), work.resolve("cloud-backfill.log"));
                FaultProxy upstream = FaultProxy.start(cloudPort);
                FaultProxy methods = FaultProxy.start(edgePort)) {
            cloud.startAndAwaitReady(Duration.ofSeconds(60));
            CloudClient api = new CloudClient(cloud.baseUri(), operatorKey);
            String connectionString = api.registerDevice(DEVICE, URI.create("http://127.0.0.1:" + methods
                    .port()));
            say("cloud-backfill ready on " + cloud.baseUri() + "; device " + DEVICE + " registered");

            try (AppProcess edge = new AppProcess("edge-relay", root.resolve(
                    "edge-relay/target/quarkus-app/quarkus-run.jar"), edgePort,
                    edgeConfig(connectionString,
                            upstream.port()),
                    jvmFlags(), work.resolve("edge-relay.log"))) {
                edge.startAndAwaitReady(Duration.ofSeconds(60));
                say("edge-relay ready on " + edge.baseUri() + " (streams " + TIME_STREAMS + " by time, "
                        + SEQUENCE_STREAMS + " by sequence; the simulator drops its live feed 4 s in every 40 s)");

                Instant started = Instant.now();
                phase(api, edge, Duration.ofSeconds(20), "flowing");
                say("cutting the network between edge and cloud for 15 s");
                upstream.setFault(Fault.REFUSE);
                methods.setFault(Fault.REFUSE);
                upstream.dropConnections();
                methods.dropConnections();
                phase(api, edge, Duration.ofSeconds(15), "network cut");
                upstream.setFault(Fault.PASS);
                methods.setFault(Fault.PASS);
                say("network restored");
                phase(api, edge, Duration.ofSeconds(10), "recovering");
                say("killing edge-relay with SIGKILL (pid " + edge.pid() + ")");
                edge.kill();
                phase(api, edge, Duration.ofSeconds(5), "edge down");
                edge.startAndAwaitReady(Duration.ofSeconds(60));
                say("edge-relay restarted");
                phase(api, edge, Duration.ofSeconds(15), "flowing");

                say("faults over; waiting for the cloud to repair every gap");
                boolean quiet = awaitQuiet(api, edge, Duration.ofSeconds(75));
                List<StreamReport> reports = new Completeness(api, DEVICE, PERIOD.toMillis()).check();
                saveForDiagnosis(api);
                status.clear();
                System.out.println();
                System.out.println(StreamReport.table(reports));
                boolean complete = quiet && reports.stream().allMatch(StreamReport::complete);
                System.out.printf("%s after %d s%n", complete
                        ? "COMPLETE: every expected event is in the cloud"
                        : "INCOMPLETE: events are missing or duplicated (see above and the logs in " + work + ")",
                        Duration.between(started, Instant.now()).toSeconds());
                if (keepRunning) {
                    keepRunning(cloud, edge, operatorKey);
                }
                return complete ? 0 : 1;
            }
        }
    }

    private Map<String, String> cloudConfig(String operatorKey) {
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:h2:file:" + work.resolve("cloud/cloud-backfill")
                        + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000",
                "backfill.operator-key", operatorKey,
                "backfill.detection-delay", "3s",
                "backfill.scan-interval", "1s",
                "backfill.stall-after", "30s",
                "quarkus.log.file.enable", "false");
    }

    private Map<String, String> edgeConfig(String connectionString, int upstreamPort) {
        return Map.ofEntries(
                Map.entry("relay.connection-string", connectionString),
                Map.entry("relay.data-dir", work.resolve("edge").toString()),
                Map.entry("relay.upstream.http.url", "http://127.0.0.1:" + upstreamPort),
                Map.entry("relay.upstream.http.timeout", "3s"),
                Map.entry("relay.source.simulator.streams", String.join(",", TIME_STREAMS)),
                Map.entry("relay.source.simulator.sequence-streams", String.join(",", SEQUENCE_STREAMS)),
                Map.entry("relay.source.simulator.period", PERIOD.toMillis() + "ms"),
                Map.entry("relay.source.simulator.sequence-rate", Long.toString(SEQUENCE_RATE)),
                Map.entry("relay.source.simulator.disconnect-every", "40s"),
                Map.entry("relay.source.simulator.disconnect-for", "4s"),
                Map.entry("relay.heartbeat-interval", "2s"),
                Map.entry("relay.batch.linger", "500ms"),
                Map.entry("relay.sender.max-backoff", "2s"));
    }

    private static List<String> jvmFlags() {
        return List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    /** Lets a phase of the demo run, refreshing the status line each second. */
    private void phase(CloudClient api, AppProcess edge, Duration length, String label) throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            status.show(label, snapshot(api, edge));
            // Pacing the demo's own status line; nothing to wait on.
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    /** Waits until no stream has an open gap and no request is in flight, twice in a row. */
    private boolean awaitQuiet(CloudClient api, AppProcess edge, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        while (System.nanoTime() < end) {
            Snapshot s = snapshot(api, edge);
            status.show("repairing", s);
            quietChecks = s.ok() && s.openGaps() == 0 && s.requestsInFlight() == 0 && s.streams() == TIME_STREAMS
                    .size() + SEQUENCE_STREAMS.size() ? quietChecks + 1 : 0;
            if (quietChecks >= 3) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }

    record Snapshot(boolean ok, int streams, long delivered, long backfilledBatches, int openGaps,
            int requestsInFlight) {
    }

    private Snapshot snapshot(CloudClient api, AppProcess edge) {
        try {
            List<CloudClient.Stream> streams = api.streams().stream().filter(s -> s.deviceId().equals(DEVICE))
                    .toList();
            long delivered = 0;
            int gaps = 0;
            for (CloudClient.Stream s : streams) {
                delivered += Completeness.eventsCovered(api.stream(DEVICE, s.batchId()), s.indexKind(), PERIOD
                        .toMillis());
                gaps += s.openGaps();
            }
            int inFlight = api.backfills("PENDING").size() + api.backfills("REQUESTED").size();
            long backfilled = (long) PrometheusText.sum(api.metrics(), "backfill_batches_ingested_total",
                    "kind=\"backfill\"");
            return new Snapshot(true, streams.size(), delivered, backfilled, gaps, inFlight);
        } catch (IOException e) {
            return new Snapshot(false, 0, 0, 0, 0, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Snapshot(false, 0, 0, 0, 0, 0);
        }
    }

    /** Keeps the cloud's view of gaps and requests beside the logs, for a look after the run. */
    private void saveForDiagnosis(CloudClient api) throws IOException, InterruptedException {
        StringBuilder gaps = new StringBuilder();
        for (CloudClient.Gap g : api.gaps(DEVICE)) {
            gaps.append(g).append('\n');
        }
        Files.writeString(work.resolve("gaps.txt"), gaps);
        Files.writeString(work.resolve("backfills.json"), api.backfills(null).toPrettyString());
    }

    private void keepRunning(AppProcess cloud, AppProcess edge, String operatorKey) throws InterruptedException {
        System.out.println();
        System.out.println("Both apps keep running (Ctrl-C stops them):");
        System.out.println("  cloud operator API  " + cloud.baseUri() + "/api/v1/streams   (Authorization: Bearer "
                + operatorKey + ")");
        System.out.println("  cloud Swagger UI    " + cloud.baseUri() + "/q/swagger-ui");
        System.out.println("  cloud metrics       " + cloud.baseUri() + "/q/metrics");
        System.out.println("  edge metrics        " + edge.baseUri() + "/q/metrics");
        System.out.println("  edge health         " + edge.baseUri() + "/q/health");
        new java.util.concurrent.CountDownLatch(1).await();
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

        void show(String phase, Snapshot s) {
            String line = String.format(
                    "[%-12s] streams %d | events delivered %,d | backfill batches %,d | open gaps %d"
                            + " | requests in flight %d",
                    phase, s.streams(), s.delivered(), s.backfilledBatches(), s
                            .openGaps(),
                    s.requestsInFlight());
            if (terminal) {
                System.out.print("\r" + line + "   ");
                System.out.flush();
            } else if (System.nanoTime() - lastPrinted > 5_000_000_000L) {
                System.out.println(line);
                lastPrinted = System.nanoTime();
            }
        }

        void clear() {
            if (terminal) {
                System.out.print("\r" + " ".repeat(120) + "\r");
            }
        }
    }
}
