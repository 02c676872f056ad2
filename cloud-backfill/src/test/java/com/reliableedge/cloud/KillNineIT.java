package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.cloud.testing.ProcessApi;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.simulator.SimulatorData;

/**
 * The packaged service on its embedded default (the H2 file in {@code ./data}, no database setting given) is killed
 * with SIGKILL right after acknowledging a run of batches, three times: after each restart every acknowledged batch
 * is there. (H2 writes its commits to the file up to a second late unless {@code WRITE_DELAY=0}; the soak found it.)
 */
class KillNineIT {

    private static final String OPERATOR_KEY = "kill-nine-key";
    private static final IndexKind SEQ = IndexKind.SEQUENCE;
    private static final int BATCHES_PER_RUN = 40;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void everyAcknowledgedBatchSurvivesSigkill() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged service (mvn package)").exists();
        Path workDir = Files.createTempDirectory("cloud-kill-nine");
        ConnectionString device = null;
        long next = 0;
        // Restarted on the same working directory, so on the same database file.
        AppProcess service = AppProcess.builder("cloud-backfill", jar).config("backfill.operator-key", OPERATOR_KEY)
                .workDir(workDir).log(Path.of("target/kill-nine.log")).build();
        String base = service.baseUri().toString();
        for (int run = 1; run <= 3; run++) {
            try {
                service.startAndAwaitReady(Duration.ofSeconds(90));
                if (device == null) {
                    device = ProcessApi.register(base, OPERATOR_KEY, "kill-1", "http://127.0.0.1:1");
                }
                JsonNode before = json(get(base, "/api/v1/streams/kill-1/s"), next > 0);
                if (next > 0) {
                    assertThat(before.path("coverage")).as("run %d: one interval", run).hasSize(1);
                    assertThat(before.path("coverage").get(0).path("endWindow").asText())
                            .as("run %d: every batch acknowledged before the SIGKILL is there", run)
                            .isEqualTo(Long.toString(next));
                }
                for (int b = 0; b < BATCHES_PER_RUN; b++) {
                    send(base, device, next, next / 5 + 1);
                    next += 5;
                }
            } finally {
                service.kill(); // SIGKILL, right after the last acknowledgement
            }
        }
    }

    private static void send(String base, ConnectionString device, long start, long seq) throws Exception {
        Window w = new Window(start, start + 5);
        List<byte[]> events = new ArrayList<>();
        SimulatorData.forEachIndex(SEQ, 1, w, i -> events.add(SimulatorData.eventJson(SEQ, "s", i).getBytes()));
        ProcessApi.send(base, device, MessageProperties.live("s", SEQ, w, events.size(), seq, 0), BatchBody.join(
                events));
    }

    private static HttpResponse<String> get(String base, String path) throws IOException, InterruptedException {
        return ProcessApi.get(base, OPERATOR_KEY, path);
    }

    private static JsonNode json(HttpResponse<String> response, boolean required) throws IOException {
        if (required) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        return new ObjectMapper().readTree(response.body());
    }
}
