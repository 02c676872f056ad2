package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.cloud.testing.OneShotProcess;
import com.reliableedge.cloud.testing.ProcessApi;
import com.reliableedge.cloud.testing.SentRequests;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.FreePorts;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.simulator.SimulatorData;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * {@code backfill.mode=one-shot} of the packaged service, as a scheduled job runs it. A service process (its scan
 * off) records live batches with holes and stops; the gaps of some streams are then made older than the detection
 * delay in the database, the others stay fresh; then one-shot runs go against that database and a fake edge.
 */
class OneShotIT {

    private static final Path H2_JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path POSTGRES_JAR = Path.of("target/quarkus-app-postgresql/quarkus-run.jar");
    private static final String OPERATOR_KEY = "one-shot-key";
    private static final String DEVICE = "oneshot-1";
    private static final IndexKind SEQ = IndexKind.SEQUENCE;
    private static final int WINDOWS = 10;
    /** The windows left out of the live traffic: each is one gap, requested as one request. */
    private static final Set<Integer> HOLES = Set.of(2, 4, 6, 8);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void aRunSendsExactlyTheDueRequestsAndARunWhoseEdgeHangsExitsAtTheBound() throws Exception {
        Path dir = Files.createTempDirectory("one-shot-h2");
        String jdbc = "jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
        Map<String, String> db = Map.of("quarkus.datasource.jdbc.url", jdbc);
        List<String> due = List.of("due-a", "due-b");
        try (FakeEdge edge = new FakeEdge()) {
            seed(H2_JAR, db, edge, dir, List.of("due-a", "due-b", "fresh"));
            try (Connection c = DriverManager.getConnection(jdbc, "sa", "")) {
                assertThat(age(c, due)).as("gaps made older").isEqualTo(due.size() * HOLES.size());
            }

            OneShotProcess.Run run = OneShotProcess.start(H2_JAR, runConfig(db, "30s", "5s"), dir, "run-1")
                    .await(RUN_TIMEOUT);
            assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
            assertThat(sent(edge)).as("the due requests, each once, and not the fresh stream's")
                    .isEqualTo(holes(due));
            assertThat(edge.calls()).hasSize(due.size() * HOLES.size());
            assertThat(run.count("requests-created")).isEqualTo(due.size() * HOLES.size());
            assertThat(run.count("requests-sent")).isEqualTo(due.size() * HOLES.size());
            assertThat(run.count("answered")).isEqualTo(due.size() * HOLES.size());
            assertThat(run.stderr()).doesNotContain("one-shot: exit");
            assertThat(run.stdout()).as("no HTTP port").doesNotContain("Listening on: http");

            // The fresh stream's gaps become due; the edge takes the calls and never answers.
            edge.clearCalls();
            edge.answer(r -> FakeEdge.Answer.hang());
            try (Connection c = DriverManager.getConnection(jdbc, "sa", "")) {
                assertThat(age(c, List.of("fresh"))).isEqualTo(HOLES.size());
            }
            OneShotProcess.Run hung = OneShotProcess.start(H2_JAR, runConfig(db, "8s", "60s"), dir, "run-2")
                    .await(RUN_TIMEOUT);
            assertThat(hung.exitCode()).as(hung.stdout() + hung.stderr()).isEqualTo(4);
            assertThat(hung.stderr().strip()).startsWith("one-shot: exit 4: backfill.one-shot.max-wait passed with "
                    + HOLES.size() + " method calls unanswered").doesNotContain("\n");
            assertThat(hung.count("unanswered-at-bound")).isEqualTo(HOLES.size());
            // A call not yet started at the bound never starts: the edge may have seen fewer than all of them.
            assertThat(sent(edge)).as("only the fresh stream's requests; the accepted ones are not sent again")
                    .isNotEmpty().isSubsetOf(holes(List.of("fresh")));
        }
    }

    @Test
    void twoRunsAtOnceAgainstOneDatabaseSendEachDueRequestOnce() throws Exception {
        Path dir = Files.createTempDirectory("one-shot-postgres");
        List<String> due = List.of("due-a", "due-b", "due-c");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .start(); FakeEdge edge = new FakeEdge()) {
            Map<String, String> db = Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:"
                    + postgres.getPort() + "/postgres", "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres");
            seed(POSTGRES_JAR, db, edge, dir, List.of("due-a", "due-b", "due-c", "fresh"));
            try (Connection c = postgres.getPostgresDatabase().getConnection()) {
                assertThat(age(c, due)).isEqualTo(due.size() * HOLES.size());
            }
            // Each run sends at most 2 calls at once: a third call in flight means both runs are sending together.
            // The edge holds the calls until then, so the two really race for the same rows.
            CountDownLatch together = new CountDownLatch(3);
            AtomicBoolean raced = new AtomicBoolean();
            edge.answer(r -> {
                together.countDown();
                try {
                    if (together.await(40, TimeUnit.SECONDS)) {
                        raced.set(true);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeEdge.Answer.of(BackfillResponse.Result.ACCEPTED, r.requestId());
            });
            Map<String, String> config = new HashMap<>(runConfig(db, "90s", "60s"));
            config.put("backfill.invoker.concurrency", "2");
            OneShotProcess a = OneShotProcess.start(POSTGRES_JAR, config, dir, "run-a");
            OneShotProcess b = OneShotProcess.start(POSTGRES_JAR, config, dir, "run-b");
            OneShotProcess.Run ra = a.await(RUN_TIMEOUT);
            OneShotProcess.Run rb = b.await(RUN_TIMEOUT);
            assertThat(ra.exitCode()).as(ra.stdout() + ra.stderr()).isZero();
            assertThat(rb.exitCode()).as(rb.stdout() + rb.stderr()).isZero();
            assertThat(raced).as("both runs had calls in flight at once").isTrue();
            List<BackfillRequest> calls = edge.calls().stream().map(FakeEdge.Call::request).toList();
            SentRequests.assertSentOnceWithoutOverlap(calls, SEQ, "two one-shot runs");
            assertThat(sent(edge)).isEqualTo(holes(due));
            assertThat(calls).hasSize(due.size() * HOLES.size());
            assertThat(ra.count("requests-sent") + rb.count("requests-sent")).isEqualTo(calls.size());
            assertThat(ra.count("requests-created") + rb.count("requests-created")).isEqualTo(calls.size());
        }
    }

    @Test
    void aRunWithTheDatabaseDownExitsTwoWithTheReason() throws Exception {
        Path dir = Files.createTempDirectory("one-shot-no-db");
        int nobody = FreePorts.next();
        OneShotProcess.Run run = OneShotProcess.start(H2_JAR, Map.of("quarkus.datasource.jdbc.url",
                "jdbc:h2:tcp://127.0.0.1:" + nobody + "/nowhere"), dir, "run").await(RUN_TIMEOUT);
        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isEqualTo(2);
        assertThat(run.stderr().strip()).startsWith("one-shot: exit 2: database unreachable: ")
                .contains("127.0.0.1:" + nobody).doesNotContain("\n");
        assertThat(run.count("requests-sent")).isZero();
    }

    private static Map<String, String> runConfig(Map<String, String> db, String maxWait, String responseTimeout) {
        Map<String, String> config = new HashMap<>(db);
        config.put("backfill.detection-delay", "10m");
        config.put("backfill.one-shot.max-wait", maxWait);
        config.put("backfill.invoker.connect-timeout", "2s");
        config.put("backfill.invoker.response-timeout", responseTimeout);
        return config;
    }

    /** Records {@code streams} with {@link #HOLES} through a service process (its scan off), then stops it. */
    private static void seed(Path jar, Map<String, String> db, FakeEdge edge, Path dir, List<String> streams)
            throws Exception {
        AppProcess service = AppProcess.builder("one-shot-seed", jar).config(db)
                .config(Map.of("backfill.operator-key", OPERATOR_KEY, "backfill.scan-enabled", "false"))
                .workDir(dir).log(dir.resolve("seed.log")).build();
        try {
            service.startAndAwaitReady(Duration.ofSeconds(90));
            String base = service.baseUri().toString();
            ConnectionString device = ProcessApi.register(base, OPERATOR_KEY, DEVICE, edge.url());
            for (String stream : streams) {
                for (int w = 0; w < WINDOWS; w++) {
                    if (!HOLES.contains(w)) {
                        Window window = new Window(w * 5L, w * 5L + 5);
                        List<byte[]> events = new ArrayList<>();
                        SimulatorData.forEachIndex(SEQ, 1, window, i -> events.add(SimulatorData.eventJson(SEQ,
                                stream, i).getBytes()));
                        ProcessApi.send(base, device, MessageProperties.live(stream, SEQ, window, events.size(),
                                w + 1, 0), BatchBody.join(events));
                    }
                }
            }
        } finally {
            service.stop(Duration.ofSeconds(20));
        }
    }

    /** Moves the gaps of {@code streams} an hour back, past any detection delay; returns how many. */
    private static int age(Connection c, List<String> streams) throws Exception {
        int aged = 0;
        try (PreparedStatement s = c.prepareStatement("UPDATE gap SET observed_at = observed_at - 3600000 WHERE"
                + " stream_id IN (SELECT id FROM stream WHERE device_id = ? AND batch_id = ?)")) {
            for (String stream : streams) {
                s.setString(1, DEVICE);
                s.setString(2, stream);
                aged += s.executeUpdate();
            }
        }
        return aged;
    }

    private static Set<String> holes(List<String> streams) {
        Set<String> expected = new TreeSet<>();
        for (String stream : streams) {
            for (int w : HOLES) {
                expected.add(stream + " " + new Window(w * 5L, w * 5L + 5));
            }
        }
        return expected;
    }

    private static Set<String> sent(FakeEdge edge) {
        Set<String> sent = new TreeSet<>();
        for (FakeEdge.Call call : edge.calls()) {
            sent.add(call.request().batchId() + " " + call.request().window(SEQ));
        }
        return sent;
    }
}
