package com.reliableedge.systemtest.harness;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.FreePorts;
import com.reliableedge.systemtest.cloud.CloudClient;
import com.reliableedge.systemtest.cloud.PrometheusText;
import com.reliableedge.systemtest.proxy.Fault;
import com.reliableedge.systemtest.proxy.FaultProxy;
import com.reliableedge.systemtest.verify.Completeness;
import com.reliableedge.systemtest.verify.StreamReport;

/**
 * Both packaged apps as processes, wired over HTTP through two fault proxies: edge to cloud (ingest) and cloud to
 * edge (the backfill method). A system test or the demo starts it, injects faults, and asks whether the cloud holds
 * every simulator event.
 */
public final class RelaySystem implements Closeable {

    /**
     * What a system is made of; every map holds config keys with their values, on top of the defaults.
     * {@code transport} is the edge's {@code relay.upstream.kind}: over {@code http} the cloud reaches the edge's
     * method endpoint through the methods proxy; over {@code mqtt} and {@code iothub} through the broker, and the
     * device is registered without a method URL (see {@link Bindings}).
     */
    public record Setup(Path root, Path work, String deviceId, List<String> timeStreams,
            List<String> sequenceStreams, Duration period, String cloudApp, Map<String, String> cloudConfig,
            Map<String, String> edgeConfig, List<String> jvmFlags, String transport) {

        /** A system over the HTTP binding. */
        public Setup(Path root, Path work, String deviceId, List<String> timeStreams, List<String> sequenceStreams,
                Duration period, String cloudApp, Map<String, String> cloudConfig, Map<String, String> edgeConfig,
                List<String> jvmFlags) {
            this(root, work, deviceId, timeStreams, sequenceStreams, period, cloudApp, cloudConfig, edgeConfig,
                    jvmFlags, "http");
        }

        /** The defaults of the demo and the system tests: three streams, short delays, an H2 file database. */
        public static Setup defaults(Path root, Path work) {
            return new Setup(root, work, "site-1", List.of("line-1", "line-2"), List.of("counter-1"), Duration
                    .ofMillis(100), "quarkus-app", Map.of(), Map.of(),
                    AppProcess.SMALL_FOOTPRINT, "http");
        }

        public Setup withCloudConfig(Map<String, String> more) {
            return new Setup(root, work, deviceId, timeStreams, sequenceStreams, period, cloudApp, merge(cloudConfig,
                    more), edgeConfig, jvmFlags, transport);
        }

        public Setup withEdgeConfig(Map<String, String> more) {
            return new Setup(root, work, deviceId, timeStreams, sequenceStreams, period, cloudApp, cloudConfig,
                    merge(edgeConfig, more), jvmFlags, transport);
        }

        public Setup withDeviceId(String id) {
            return new Setup(root, work, id, timeStreams, sequenceStreams, period, cloudApp, cloudConfig,
                    edgeConfig, jvmFlags, transport);
        }

        /** The cloud package to run: {@code quarkus-app} (H2) or {@code quarkus-app-postgresql}. */
        public Setup withCloudApp(String app) {
            return new Setup(root, work, deviceId, timeStreams, sequenceStreams, period, app, cloudConfig,
                    edgeConfig, jvmFlags, transport);
        }

        /**
         * The edge's upstream kind; the broker's keys come with {@link #withCloudConfig} and {@link #withEdgeConfig}
         * ({@link Bindings} has them).
         */
        public Setup withTransport(String kind) {
            return new Setup(root, work, deviceId, timeStreams, sequenceStreams, period, cloudApp, cloudConfig,
                    edgeConfig, jvmFlags, kind);
        }

        private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
            Map<String, String> m = new LinkedHashMap<>(a);
            m.putAll(b);
            return m;
        }
    }

    private final Setup setup;
    private final String operatorKey = UUID.randomUUID().toString();
    private final int cloudPort = FreePorts.next();
    private final int edgePort = FreePorts.next();
    private final FaultProxy upstream;
    private final FaultProxy methods;
    private final AppProcess cloud;
    private final List<AppProcess> otherClouds = new ArrayList<>();
    private AppProcess edge;
    private CloudClient api;
    private String connectionString;
    private final HttpClient metricsClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private RelaySystem(Setup setup) throws IOException {
        this.setup = setup;
        Files.createDirectories(setup.work());
        this.upstream = FaultProxy.start(cloudPort);
        this.methods = FaultProxy.start(edgePort);
        Path jar = setup.root().resolve("cloud-backfill/target/" + setup.cloudApp() + "/quarkus-run.jar");
        this.cloud = AppProcess.builder("cloud-backfill", jar).httpPort(cloudPort).config(cloudConfig())
                .jvmFlags(setup.jvmFlags()).log(setup.work().resolve("cloud-backfill.log")).build();
    }

    /** Starts the cloud, registers the device, and starts the edge; both are ready on return. */
    public static RelaySystem start(Setup setup) throws IOException, InterruptedException {
        RelaySystem system = new RelaySystem(setup);
        try {
            system.cloud.startAndAwaitReady(Duration.ofSeconds(90));
            system.api = new CloudClient(system.cloud.baseUri(), system.operatorKey);
            // Over a broker the method goes through the broker: the device needs no method URL.
            String connectionString = system.api.registerDevice(setup.deviceId(), "http".equals(setup.transport())
                    ? URI.create("http://127.0.0.1:" + system.methods.port())
                    : null);
            system.connectionString = connectionString;
            Path jar = setup.root().resolve("edge-relay/target/quarkus-app/quarkus-run.jar");
            system.edge = AppProcess.builder("edge-relay", jar).httpPort(system.edgePort)
                    .config(system.edgeConfig(connectionString)).jvmFlags(setup.jvmFlags())
                    .log(setup.work().resolve("edge-relay.log")).build();
            system.edge.startAndAwaitReady(Duration.ofSeconds(90));
            return system;
        } catch (IOException | InterruptedException | RuntimeException e) {
            system.close();
            throw e;
        }
    }

    public Setup setup() {
        return setup;
    }

    public CloudClient api() {
        return api;
    }

    public AppProcess cloud() {
        return cloud;
    }

    public AppProcess edge() {
        return edge;
    }

    /**
     * Starts another instance of the cloud package on its own port, with the first one's configuration plus
     * {@code more} (the instance's own client ids), its log {@code cloud-backfill-<name>.log}; ready on return and
     * stopped with the system. The instances share what the configuration points them at (a database, a broker).
     */
    public AppProcess startAnotherCloud(String name, Map<String, String> more) throws IOException,
            InterruptedException {
        Map<String, String> config = cloudConfig();
        config.putAll(more);
        Path jar = setup.root().resolve("cloud-backfill/target/" + setup.cloudApp() + "/quarkus-run.jar");
        AppProcess another = AppProcess.builder("cloud-backfill-" + name, jar).config(config).jvmFlags(setup
                .jvmFlags()).log(setup.work().resolve("cloud-backfill-" + name + ".log")).build();
        otherClouds.add(another);
        another.startAndAwaitReady(Duration.ofSeconds(90));
        return another;
    }

    /** Points {@link #api()} (and so the checks) at another cloud instance, e.g. once the first one is killed. */
    public void useCloud(AppProcess instance) {
        api = new CloudClient(instance.baseUri(), operatorKey);
    }

    public String operatorKey() {
        return operatorKey;
    }

    /** The edge's device connection string, key included (a test signs method calls with it). */
    public String connectionString() {
        return connectionString;
    }

    /** The proxy in front of the cloud's ingest endpoint. */
    public FaultProxy upstream() {
        return upstream;
    }

    /** The proxy in front of the edge's method endpoint. */
    public FaultProxy methods() {
        return methods;
    }

    /** The edge's Prometheus text; empty while it is down. */
    public String edgeMetrics() throws IOException, InterruptedException {
        return edge.isAlive() ? PrometheusText.scrape(metricsClient, edge.baseUri()) : "";
    }

    /** Cuts the network both ways, open connections included, as a cable pull would. */
    public void cutNetwork() {
        upstream.setFault(Fault.REFUSE);
        methods.setFault(Fault.REFUSE);
        upstream.dropConnections();
        methods.dropConnections();
    }

    public void restoreNetwork() {
        upstream.setFault(Fault.PASS);
        methods.setFault(Fault.PASS);
    }

    /** Deletes the edge's data directory (the edge must be down): the box was replaced. */
    public void wipeEdgeData() throws IOException {
        if (edge.isAlive()) {
            throw new IllegalStateException("stop the edge before wiping its data");
        }
        Path dir = edgeDataDir();
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    public Path edgeDataDir() {
        return setup.work().resolve("edge-data");
    }

    /**
     * Waits until every stream of the device has reported, no stream has an open gap and no backfill request is in
     * flight, three checks in a row a second apart.
     *
     * @return whether the system became quiet in time
     */
    public boolean awaitQuiet(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() < end) {
            quiet = isQuiet() ? quiet + 1 : 0;
            if (quiet >= 3) {
                return true;
            }
            // Polling another process's API: there is nothing to wait on.
            Thread.sleep(1000);
        }
        return false;
    }

    private boolean isQuiet() throws InterruptedException {
        try {
            List<CloudClient.Stream> streams = api.streams().stream().filter(s -> s.deviceId().equals(setup
                    .deviceId())).toList();
            return streams.size() == setup.timeStreams().size() + setup.sequenceStreams().size()
                    && streams.stream().allMatch(s -> s.openGaps() == 0)
                    && api.backfills("PENDING").isEmpty() && api.backfills("REQUESTED").isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** What the cloud holds of each stream against what the simulator produced. */
    public List<StreamReport> completeness() throws IOException, InterruptedException {
        return new Completeness(api, setup.deviceId(), setup.period().toMillis()).check();
    }

    private Map<String, String> cloudConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + setup.work().resolve("cloud-db/cloud-backfill")
                + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0");
        c.put("backfill.operator-key", operatorKey);
        c.put("backfill.detection-delay", "3s");
        c.put("backfill.scan-interval", "1s");
        c.put("backfill.retry-backoff", "2s");
        c.put("backfill.stall-after", "60s");
        c.putAll(setup.cloudConfig());
        return c;
    }

    private Map<String, String> edgeConfig(String connectionString) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("relay.connection-string", connectionString);
        c.put("relay.data-dir", edgeDataDir().toString());
        c.put("relay.upstream.http.url", "http://127.0.0.1:" + upstream.port());
        c.put("relay.upstream.http.timeout", "3s");
        c.put("relay.source.simulator.streams", String.join(",", setup.timeStreams()));
        c.put("relay.source.simulator.sequence-streams", String.join(",", setup.sequenceStreams()));
        c.put("relay.source.simulator.period", setup.period().toMillis() + "ms");
        c.put("relay.heartbeat-interval", "2s");
        c.put("relay.batch.linger", "500ms");
        c.put("relay.sender.max-backoff", "2s");
        c.putAll(setup.edgeConfig());
        return c;
    }

    @Override
    public void close() {
        List<Closeable> all = new ArrayList<>();
        if (edge != null) {
            all.add(edge);
        }
        all.add(cloud);
        all.addAll(otherClouds);
        all.add(upstream);
        all.add(methods);
        for (Closeable c : all) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                // Closing the rest matters more.
            }
        }
    }
}
