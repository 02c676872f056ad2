package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.upstream.RecordingHttpSink;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.IndexKind;

/**
 * Runs the packaged relay with the simulator against a recording sink, kills it with SIGKILL at random moments (at
 * least 20 times) and restarts it on the same store, then proves what the protocol promises: no sealed batch lost
 * ({@code seq} without holes), live windows contiguous except for holes the edge heals itself, and every simulator
 * event up to the end delivered with its value.
 */
class CrashRecoveryIT {

    static final ConnectionString DEVICE = ConnectionString.forDevice("127.0.0.1", "crash-edge", Base64.getEncoder()
            .encodeToString("crash test device key, 32 bytes!".getBytes()));
    static final long PERIOD_MS = 20;

    @TempDir
    Path dataDir;

    static Map<String, String> settings(Path dataDir, RecordingHttpSink sink) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("relay.data-dir", dataDir.toString());
        s.put("relay.connection-string", DEVICE.format());
        s.put("relay.device-id", DEVICE.deviceId());
        s.put("relay.upstream.http.url", sink.url());
        s.put("relay.source.simulator.streams", "line-1");
        s.put("relay.source.simulator.sequence-streams", "seq-1");
        s.put("relay.source.simulator.period", PERIOD_MS + "ms");
        s.put("relay.source.simulator.sequence-rate", "50");
        s.put("relay.batch.linger", "150ms");
        s.put("relay.batch.max-span", "2s");
        s.put("relay.heartbeat-interval", "2s");
        s.put("relay.backfill.chunk-span", "3s");
        s.put("relay.sender.initial-backoff", "20ms");
        s.put("relay.sender.max-backoff", "300ms");
        s.put("quarkus.log.level", "INFO");
        return s;
    }

    /** Starts the packaged relay on a free port with {@code settings}; output goes to {@code log}. */
    static AppProcess startRelay(Map<String, String> settings, Path log) throws IOException {
        return AppProcess.builder("edge-relay", Path.of("target", "quarkus-app", "quarkus-run.jar")).config(settings)
                .jvmFlags(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")).log(log).start();
    }

    @Test
    void survivesTwentySigkillsWithoutLosingOrGarblingAnything() throws Exception {
        Random random = new Random(ThreadLocalRandom.current().nextLong());
        Map<String, IndexKind> streams = Map.of("line-1", IndexKind.TIME, "seq-1", IndexKind.SEQUENCE);
        try (RecordingHttpSink sink = new RecordingHttpSink(DEVICE)) {
            // One answer in ten is a server error: the relay must retry those.
            sink.answer(() -> ThreadLocalRandom.current().nextInt(10) == 0 ? 503 : 204);
            Map<String, String> settings = settings(dataDir, sink);
            int kills = 0;
            for (int run = 0; run < 22; run++) {
                AppProcess relay = startRelay(settings, Path.of("target", "crash-it", "run-" + run + ".log"));
                long lifetimeMs = 400 + random.nextInt(3_600);
                long startedAt = System.nanoTime();
                await().pollDelay(Duration.ofMillis(lifetimeMs)).atMost(Duration.ofMillis(lifetimeMs + 5_000)).until(
                        () -> System.nanoTime() - startedAt >= lifetimeMs * 1_000_000L);
                assertThat(relay.isAlive()).as("run %d still running before its SIGKILL (see %s)", run, relay.log())
                        .isTrue();
                relay.kill();
                kills++;
            }
            assertThat(kills).isGreaterThanOrEqualTo(20);
            assertThat(sink.acknowledged()).isNotEmpty();

            try (AppProcess last = startRelay(settings, Path.of("target", "crash-it", "final.log"))) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> DeliveryCheck
                        .of(sink.acknowledged(), streams, PERIOD_MS).problems().isEmpty());
                DeliveryCheck check = DeliveryCheck.of(sink.acknowledged(), streams, PERIOD_MS);
                assertThat(check.problems()).isEmpty();
                assertThat(check.summaries()).containsKeys("line-1", "seq-1");
                check.summaries().forEach((stream, summary) -> {
                    System.out.println("crash test " + stream + ": " + summary);
                    // Every restart with a hole was healed by the edge itself.
                    assertThat(summary.healedHoles()).as("%s holes healed by the edge", stream).isPositive();
                    assertThat(summary.events()).isPositive();
                });
                assertThat(Files.exists(dataDir.resolve("relay.db"))).isTrue();
            }
            List<String> refused = sink.refused();
            assertThat(refused).as("requests the sink refused").isEmpty();
        }
    }
}
