package com.reliableedge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

class MessagePropertiesTest {

    @Test
    void messageIdsMatchAnIndependentSha256() {
        // Expected values: python3 -c "import hashlib;print(hashlib.sha256(b'<input>').hexdigest()[:32])"
        MessageProperties live = MessageProperties.live("line-1", IndexKind.TIME, new Window(Samples.time(
                "2026-11-26T10:00:00Z"), Samples.time("2026-11-26T10:00:05Z")), 3, 1, 0);
        // input: 1|site-7|line-1|batch|2026-11-26T10:00:00.000Z|2026-11-26T10:00:05.000Z|false|false|
        assertThat(live.messageId("site-7")).isEqualTo("e91b0e6f69e4a037202cd9c473a67036");
        // input: 1|site-7|line-1|batch|100|200|false|true|3
        assertThat(Samples.lateBatch().messageId("site-7")).isEqualTo("e5c7597ba179ede01425686151d14329");
        // input: 1|site-7|line-1|backfillStatus|2026-11-26T10:00:00.000Z|2026-11-26T10:05:00.000Z|false|false|6f1c-req
        assertThat(Samples.backfillStatus().messageId("site-7")).isEqualTo("f9cbee40dcafaac2c7027dc6834b3527");
    }

    @Test
    void aResentMessageKeepsItsIdAndOtherFieldsDoNotChangeIt() {
        MessageProperties p = Samples.liveTimeBatch();
        // seq, eventCount, backlogFrom and encoding are not part of the identity: a resend has one id.
        MessageProperties other = MessageProperties.live(p.batchId(), p.indexKind(), p.window(), 49, 18, p
                .streamOrigin());
        assertThat(other.messageId("site-7")).isEqualTo(p.messageId("site-7"));
        assertThat(p.messageId("site-8")).isNotEqualTo(p.messageId("site-7"));
    }

    @Test
    void roundTripsEveryKindOfMessage() {
        for (MessageProperties p : new MessageProperties[]{Samples.liveTimeBatch(), Samples.backfillSequenceBatch(),
                Samples.lateBatch(), Samples.backfillStatus()}) {
            assertThat(MessageProperties.parse(p.toApplicationProperties(), p.contentEncoding())).isEqualTo(p);
        }
    }

    @Test
    void namesTheMissingOrMalformedProperty() {
        Map<String, String> good = Samples.liveTimeBatch().toApplicationProperties();
        expectError(without(good, "batchId"), "batchId");
        expectError(without(good, "protocolVersion"), "protocolVersion");
        expectError(with(good, "protocolVersion", "2"), "protocolVersion");
        expectError(with(good, "indexKind", "timestamp"), "indexKind");
        expectError(with(good, "startWindow", "yesterday"), "startWindow");
        expectError(with(good, "endWindow", good.get("startWindow")), "startWindow");
        expectError(with(good, "messageType", "Batch"), "messageType");
        expectError(without(good, "eventCount"), "eventCount");
        expectError(with(good, "eventCount", "-1"), "eventCount");
        expectError(with(good, "isBackfill", "yes"), "isBackfill");
        expectError(without(good, "seq"), "seq");
        expectError(with(good, "seq", "0"), "seq");
        expectError(with(good, "streamOrigin", "2026-11-26T10:00:00.001Z"), "streamOrigin");
        expectError(with(good, "batchId", "line 1"), "batchId");

        Map<String, String> backfill = Samples.backfillSequenceBatch().toApplicationProperties();
        expectError(without(backfill, "backfillRequestId"), "backfillRequestId");
        expectError(with(backfill, "seq", "4"), "seq");
        expectError(with(with(backfill, "isLate", "true"), "lateSeq", "1"), "isLate");

        Map<String, String> late = Samples.lateBatch().toApplicationProperties();
        expectError(without(late, "lateSeq"), "lateSeq");

        Map<String, String> status = Samples.backfillStatus().toApplicationProperties();
        expectError(with(status, "eventCount", "3"), "eventCount");
        expectError(without(status, "backfillRequestId"), "backfillRequestId");

        assertThatThrownBy(() -> MessageProperties.parse(good, "deflate"))
                .isInstanceOf(ProtocolException.class).hasMessage("contentEncoding 'deflate' must be 'gzip' or absent");
    }

    @Test
    void unknownPropertiesAreIgnoredForForwardCompatibility() {
        Map<String, String> p = with(Samples.liveTimeBatch().toApplicationProperties(), "futureThing", "x");
        assertThat(MessageProperties.parse(p, "gzip")).isEqualTo(Samples.liveTimeBatch());
    }

    @Test
    void propertiesSizeCountsEveryNameAndValue() {
        MessageProperties p = Samples.backfillStatus();
        Envelope e = Envelope.of("site-7", p);
        int expected = "messageId".length() + 32 + "contentType".length() + "application/json".length();
        for (Map.Entry<String, String> entry : p.toApplicationProperties().entrySet()) {
            expected += entry.getKey().length() + entry.getValue().length();
        }
        assertThat(e.propertiesSize()).isEqualTo(expected);
        assertThat(Envelope.of("site-7", Samples.liveTimeBatch()).propertiesSize()).isGreaterThan(expected);
    }

    private static void expectError(Map<String, String> properties, String field) {
        assertThatThrownBy(() -> MessageProperties.parse(properties, null))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).field()).isEqualTo(field);
    }

    private static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(base);
        copy.put(name, value);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> base, String name) {
        Map<String, String> copy = new HashMap<>(base);
        copy.remove(name);
        return copy;
    }
}
