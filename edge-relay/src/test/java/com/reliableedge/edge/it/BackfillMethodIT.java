package com.reliableedge.edge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.upstream.RecordingHttpSink;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.MessageType;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;
import com.reliableedge.protocol.simulator.SimulatorData;

/**
 * The backfill method on the packaged relay: a request answered 202 survives a SIGKILL right after the answer, is
 * served after the restart with backfill batches that tile the window exactly, and is closed by one
 * {@code backfillStatus}; an unsigned call is refused.
 */
class BackfillMethodIT {

    @TempDir
    Path dataDir;

    @Test
    void anAcceptedRequestSurvivesASigkillAndIsServedExactly() throws Exception {
        try (RecordingHttpSink sink = new RecordingHttpSink(CrashRecoveryIT.DEVICE)) {
            Map<String, String> settings = CrashRecoveryIT.settings(dataDir, sink);
            // A slow source: the job cannot be finished before the kill.
            settings.put("relay.source.simulator.history-delay", "300ms");
            AppProcess relay = CrashRecoveryIT.startRelay(settings, Path.of("target", "backfill-it", "first.log"));
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.acknowledged().stream().filter(r -> r.envelope()
                    .properties().isLive() && r.envelope().properties().batchId().equals("line-1")).count() >= 10);
            MessageProperties first = sink.acknowledged().stream().map(r -> r.envelope().properties()).filter(p -> p
                    .isLive() && p.batchId().equals("line-1")).min(Comparator.comparing(MessageProperties::seq))
                    .orElseThrow();
            Window asked = new Window(first.window().start(), first.window().start() + 1_500);
            String auth = SasToken.sign(CrashRecoveryIT.DEVICE, Instant.now(), Duration.ofMinutes(10));

            HttpResponse<String> unsigned = relay.post("/api/v1/methods/backfill",
                    "SharedAccessSignature sr=x&sig=y&se=1",
                    BackfillRequest
                            .of("r-unsigned", CrashRecoveryIT.DEVICE.deviceId(), "line-1", IndexKind.TIME, asked, 1)
                            .toJson());
            assertThat(unsigned.statusCode()).isEqualTo(401);

            byte[] request = BackfillRequest.of("r-kill", CrashRecoveryIT.DEVICE.deviceId(), "line-1", IndexKind.TIME,
                    asked, 1).toJson();
            HttpResponse<String> accepted = relay.post("/api/v1/methods/backfill", auth, request);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            relay.kill();

            try (AppProcess again = CrashRecoveryIT.startRelay(settings,
                    Path.of("target", "backfill-it", "second.log"))) {
                // Asked again after the restart: known, so 202 and served once.
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    HttpResponse<String> r = again.post("/api/v1/methods/backfill", auth, request);
                    return r != null && r.statusCode() == 202;
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> statuses(sink, "r-kill").size() >= 1);
                List<BackfillStatus> statuses = statuses(sink, "r-kill");
                assertThat(statuses).hasSize(1);
                assertThat(statuses.get(0).status()).isEqualTo(BackfillStatus.Outcome.COMPLETED);
                assertThat(statuses.get(0).window(IndexKind.TIME)).isEqualTo(asked);

                List<MessageProperties> batches = new ArrayList<>();
                List<Long> indexes = new ArrayList<>();
                sink.acknowledged().stream().filter(r -> "r-kill".equals(r.envelope().properties()
                        .backfillRequestId()) && r.envelope().properties().messageType() == MessageType.BATCH)
                        .collect(java.util.stream.Collectors.toMap(r -> r.envelope().messageId(), r -> r, (a, b) -> a))
                        .values().stream().sorted(Comparator.comparing(r -> r.envelope().properties().window().start()))
                        .forEach(r -> {
                            MessageProperties p = r.envelope().properties();
                            batches.add(p);
                            for (BatchBody.Event e : BatchBody.decode(r.body(), p.contentEncoding(), IndexKind.TIME, p
                                    .window(), p.eventCount(), 1 << 24)) {
                                assertThat(e.json()).isEqualTo(SimulatorData.eventJson(IndexKind.TIME, "line-1", e
                                        .index()));
                                indexes.add(e.index());
                            }
                        });
                long at = asked.start();
                for (MessageProperties p : batches) {
                    assertThat(p.backfill()).isTrue();
                    assertThat(p.window().start()).isEqualTo(at);
                    at = p.window().end();
                }
                assertThat(at).isEqualTo(asked.end());
                List<Long> expected = new ArrayList<>();
                SimulatorData.forEachIndex(IndexKind.TIME, CrashRecoveryIT.PERIOD_MS, asked, expected::add);
                assertThat(indexes).containsExactlyElementsOf(expected);
            }
        }
    }

    private static List<BackfillStatus> statuses(RecordingHttpSink sink, String requestId) {
        return sink.acknowledged().stream().filter(r -> r.envelope().properties()
                .messageType() == MessageType.BACKFILL_STATUS && requestId.equals(
                        r.envelope().properties()
                                .backfillRequestId()))
                .collect(java.util.stream.Collectors.toMap(r -> r.envelope().messageId(),
                        r -> BackfillStatus.fromJson(r.body()), (a, b) -> a))
                .values().stream().toList();
    }
}
