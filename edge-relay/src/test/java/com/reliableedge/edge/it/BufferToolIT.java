package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.edge.upstream.RecordingHttpSink;
import com.reliableedge.fixtures.AppProcess;

/**
 * The packaged binary's {@code buffer} commands, run as a subprocess against the store of a relay that is running on
 * the same data directory: they read a consistent snapshot, exit at once (no Quarkus, no HTTP server), and the relay
 * keeps sealing and sending.
 */
class BufferToolIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    /** What the tool printed and returned. */
    record Run(int code, String out, String err) {
    }

    private static Run tool(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                Path.of("target", "quarkus-app",
                        "quarkus-run.jar").toString(),
                "buffer"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the tool exits by itself").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err,
                StandardCharsets.UTF_8));
    }

    private static long live(RecordingHttpSink sink) {
        return sink.acknowledged().stream().filter(r -> r.envelope().properties().isLive()).count();
    }

    @Test
    void readsTheStoreOfARunningRelayWithoutDisturbingIt() throws Exception {
        try (RecordingHttpSink sink = new RecordingHttpSink(CrashRecoveryIT.DEVICE)) {
            // The cloud refuses for a while, so that messages wait in the buffer.
            sink.answer(() -> 503);
            try (AppProcess relay = CrashRecoveryIT.startRelay(CrashRecoveryIT.settings(dataDir, sink), Path.of(
                    "target", "buffer-tool-it", "relay.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> sink.requests() >= 3);

                Run inspect = tool(Map.of(), "inspect", "--json", "--data-dir", dataDir.toString());
                assertThat(inspect.code()).as(inspect.err()).isZero();
                assertThat(inspect.out()).doesNotContain("Edge relay").doesNotContain("Listening on");
                JsonNode doc = JSON.readTree(inspect.out());
                assertThat(doc.get("messages").asInt()).isPositive();
                List<String> streams = new ArrayList<>();
                doc.get("streams").forEach(s -> streams.add(s.get("stream").asText()));
                assertThat(streams).contains("line-1", "seq-1");
                for (JsonNode s : doc.get("streams")) {
                    assertThat(s.at("/cursor/seq").asLong()).as("cursor of %s", s.get("stream")).isPositive();
                }

                // RELAY_DATA_DIR, as the relay reads it, instead of --data-dir.
                Run verify = tool(Map.of("RELAY_DATA_DIR", dataDir.toString()), "verify");
                assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
                assertThat(verify.out()).contains("ok: " + dataDir.resolve("relay.db").toAbsolutePath());
                Run export = tool(Map.of(), "export", "--data-dir", dataDir.toString(), "--stream", "line-1");
                assertThat(export.code()).as(export.err()).isZero();
                String[] lines = export.out().strip().split("\n");
                assertThat(lines.length).isPositive();
                JsonNode first = JSON.readTree(lines[0]);
                assertThat(first.get("stream").asText()).isEqualTo("line-1");
                assertThat(first.get("body").isArray()).isTrue();

                // The relay kept working: it still answers, and once the cloud accepts, delivers what waited.
                assertThat(relay.isAlive()).isTrue();
                long before = live(sink);
                sink.answer(() -> 204);
                await().atMost(Duration.ofSeconds(30)).until(() -> live(sink) >= before + 3);
                assertThat(relay.get("/q/health/ready").statusCode()).isEqualTo(200);
            }
        }
    }
}
