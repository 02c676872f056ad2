package com.reliableedge.protocol.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.GoldenFiles;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.Samples;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;

/** The wire forms of every binding, checked against golden files. */
class WireFormGoldenTest {

    private static final Map<String, MessageProperties> SAMPLES = Map.of(
            "live-time-batch", Samples.liveTimeBatch(),
            "backfill-sequence-batch", Samples.backfillSequenceBatch(),
            "late-batch", Samples.lateBatch(),
            "backfill-status", Samples.backfillStatus());

    @Test
    void httpHeaders() {
        SAMPLES.forEach((name, properties) -> {
            Envelope envelope = Envelope.of(Samples.DEVICE, properties);
            String headers = HttpHeaderCodec.encode(envelope).entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n"));
            GoldenFiles.assertMatches("http-headers-" + name + ".txt", headers);
            assertThat(HttpHeaderCodec.decode(HttpHeaderCodec.encode(envelope))).isEqualTo(envelope);
        });
    }

    @Test
    void mqttTopics() {
        SAMPLES.forEach((name, properties) -> {
            Envelope envelope = Envelope.of(Samples.DEVICE, properties);
            String topic = MqttTopicCodec.encode(Samples.DEVICE, envelope);
            GoldenFiles.assertMatches("mqtt-topic-" + name + ".txt", topic + "\n");
            assertThat(MqttTopicCodec.decode(topic)).isEqualTo(new MqttTopicCodec.Decoded(Samples.DEVICE, envelope));
        });
    }

    @Test
    void methodPayloads() {
        BackfillRequest request = BackfillRequest.of("6f1c2a9e-2d4b-4c1e-9a51-0c8f3b7d1e22", "site-7", "line-3",
                IndexKind.TIME, new Window(Samples.time("2026-11-26T10:00:00Z"), Samples.time("2026-11-26T10:05:00Z")),
                1);
        GoldenFiles.assertMatches("method-backfill-request.json", json(request.toJson()));
        assertThat(BackfillRequest.fromJson(request.toJson())).isEqualTo(request);

        BackfillResponse accepted = new BackfillResponse(request.requestId(), BackfillResponse.Result.ACCEPTED,
                "recorded; will be served");
        GoldenFiles.assertMatches("method-backfill-response-202.json", json(accepted.toJson()));
        assertThat(BackfillResponse.fromJson(accepted.toJson())).isEqualTo(accepted);

        BackfillResponse busy = new BackfillResponse(request.requestId(), BackfillResponse.Result.BUSY,
                "too many requests in flight");
        GoldenFiles.assertMatches("method-backfill-response-503.json", json(busy.toJson()));

        BackfillStatus status = BackfillStatus.of(request.requestId(), "line-3", IndexKind.TIME, new Window(Samples
                .time("2026-11-26T10:00:00Z"), Samples.time("2026-11-26T10:01:00Z")),
                BackfillStatus.Outcome.UNAVAILABLE, "horizon");
        GoldenFiles.assertMatches("backfill-status-body.json", json(status.toJson()));
        assertThat(BackfillStatus.fromJson(status.toJson())).isEqualTo(status);
    }

    private static String json(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8) + "\n";
    }
}
