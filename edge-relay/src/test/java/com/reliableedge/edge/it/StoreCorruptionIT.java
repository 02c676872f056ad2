package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.upstream.RecordingHttpSink;
import com.reliableedge.fixtures.AppProcess;

/**
 * Garbles, then truncates, the packaged relay's store file between runs: each time the relay starts anyway, moves the
 * unreadable file to {@code quarantine/}, counts it, and goes on sealing and sending on a fresh store.
 */
class StoreCorruptionIT {

    @TempDir
    Path dataDir;

    private static long liveBatches(RecordingHttpSink sink) {
        return sink.acknowledged().stream().filter(r -> r.envelope().properties().isLive()).count();
    }

    private static double unreadableDrops(AppProcess relay) {
        HttpResponse<String> metrics = relay.get("/q/metrics");
        if (metrics == null || metrics.statusCode() != 200) {
            return -1;
        }
        Matcher m = Pattern.compile("relay_drops_total\\{reason=\"unreadable\"\\} ([0-9.]+)").matcher(metrics.body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static long quarantined(Path dataDir) throws Exception {
        Path q = dataDir.resolve("quarantine");
        if (!Files.isDirectory(q)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(q)) {
            return files.filter(f -> f.getFileName().toString().matches("relay\\.db\\.[0-9]+")).count();
        }
    }

    private void runUntilSending(RecordingHttpSink sink, Map<String, String> settings, String name,
            boolean expectQuarantine)
            throws Exception {
        long before = liveBatches(sink);
        AppProcess relay = CrashRecoveryIT.startRelay(settings, Path.of("target", "corruption-it", name + ".log"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> liveBatches(sink) >= before + 5);
            if (expectQuarantine) {
                await().atMost(Duration.ofSeconds(10)).until(() -> unreadableDrops(relay) >= 1.0);
                HttpResponse<String> live = relay.get("/q/health/live");
                assertThat(live).isNotNull();
                assertThat(live.statusCode()).isEqualTo(200);
            }
        } finally {
            if (name.equals("first")) {
                relay.kill();
            } else {
                // A graceful stop checkpoints the WAL into the main file, which the next step truncates.
                relay.stop(Duration.ofSeconds(15));
            }
        }
    }

    @Test
    void startsOnAGarbledOrTruncatedStore() throws Exception {
        try (RecordingHttpSink sink = new RecordingHttpSink(CrashRecoveryIT.DEVICE)) {
            Map<String, String> settings = CrashRecoveryIT.settings(dataDir, sink);
            Path store = dataDir.resolve("relay.db");

            runUntilSending(sink, settings, "first", false);
            // Noise over the whole store: the main file and its write-ahead log (which, after a SIGKILL, holds the
            // newest pages and would otherwise mask a garbled main file).
            Random random = new Random(42);
            for (Path file : new Path[]{store, Path.of(store + "-wal")}) {
                if (Files.exists(file) && Files.size(file) > 0) {
                    byte[] noise = new byte[(int) Files.size(file)];
                    random.nextBytes(noise);
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                        f.seek(0);
                        f.write(noise);
                    }
                }
            }
            runUntilSending(sink, settings, "after-garbling", true);
            assertThat(quarantined(dataDir)).isEqualTo(1);

            long size = Files.size(store);
            assertThat(size).isGreaterThan(8192);
            try (RandomAccessFile f = new RandomAccessFile(store.toFile(), "rw")) {
                f.setLength(size / 2 + 123);
            }
            runUntilSending(sink, settings, "after-truncation", true);
            assertThat(quarantined(dataDir)).isEqualTo(2);
            // Each fresh store starts its streams afresh: seq 1 arrived three times, for three different windows.
            assertThat(sink.acknowledged().stream().filter(r -> r.envelope().properties().isLive() && r.envelope()
                    .properties().seq() == 1 && r.envelope().properties().batchId().equals("line-1")).map(r -> r
                            .envelope().messageId())
                    .distinct().count()).isEqualTo(3);
        }
    }
}
