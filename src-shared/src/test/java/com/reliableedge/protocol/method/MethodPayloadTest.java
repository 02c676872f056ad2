package com.reliableedge.protocol.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexKind;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class MethodPayloadTest {

    @Test
    void namesTheMissingOrMalformedField() {
        expectError("{\"deviceId\":\"d\",\"batchId\":\"b\",\"startWindow\":\"1\",\"endWindow\":\"2\",\"attempt\":1}",
                "requestId");
        expectError(
                "{\"requestId\":\"r\",\"deviceId\":\"d\",\"batchId\":\"b\",\"startWindow\":\"1\",\"endWindow\":\"2\","
                        + "\"attempt\":\"1\"}",
                "attempt");
        expectError("{\"requestId\":\"r\",\"deviceId\":\"d\",\"batchId\":\"b\",\"startWindow\":1,\"endWindow\":\"2\","
                + "\"attempt\":1}", "startWindow");
        expectError("{\"requestId\":\"r\",\"deviceId\":\"d e\",\"batchId\":\"b\",\"startWindow\":\"1\","
                + "\"endWindow\":\"2\",\"attempt\":1}", "deviceId");
        expectError("[1,2]", "payload");
        expectError("{\"requestId\":", "payload");
        expectError("", "payload");
        expectError("{\"requestId\":\"r\"} {}", "payload");
    }

    private static final String VALID = "{\"requestId\":\"r\",\"deviceId\":\"d\",\"batchId\":\"b\","
            + "\"startWindow\":\"1\",\"endWindow\":\"2\",\"attempt\":1}";

    private static ProtocolException errorOf(byte[] payload) {
        try {
            BackfillRequest.fromJson(payload);
        } catch (ProtocolException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void onlyUtf8WithoutAByteOrderMarkIsRead() {
        assertThat(BackfillRequest.fromJson(VALID.getBytes(StandardCharsets.UTF_8)).requestId()).isEqualTo("r");
        ProtocolException bom = errorOf(concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, VALID.getBytes(
                StandardCharsets.UTF_8)));
        assertThat(bom.field()).isEqualTo("payload");
        assertThat(bom).hasMessageContaining("byte-order mark");
        // UTF-16 with and without its mark: Jackson would detect and read it; the protocol says UTF-8.
        assertThat(errorOf(VALID.getBytes(StandardCharsets.UTF_16))).hasMessageContaining("must be UTF-8, not UTF-16");
        assertThat(errorOf(VALID.getBytes(StandardCharsets.UTF_16LE)).field()).isEqualTo("payload");
        assertThat(errorOf(VALID.getBytes(StandardCharsets.UTF_16BE)).field()).isEqualTo("payload");
        // Latin-1 'é' (0xE9) is not UTF-8.
        byte[] latin1 = VALID.replace("\"b\"", "\"caf\u00e9\"").getBytes(StandardCharsets.ISO_8859_1);
        ProtocolException notUtf8 = errorOf(latin1);
        assertThat(notUtf8)
                .hasMessageContaining("is not well-formed UTF-8 (at byte " + (VALID.indexOf("\"b\"") + 4) + ")");
    }

    @Test
    void aKeyNamedTwiceIsRefusedNamingTheKey() {
        String dup = VALID.replace("\"attempt\":1}", "\"attempt\":1,\"requestId\":\"other\"}");
        ProtocolException e = errorOf(dup.getBytes(StandardCharsets.UTF_8));
        assertThat(e.field()).isEqualTo("payload");
        assertThat(e).hasMessageContaining("names the key 'requestId' twice");
        // Inside nested objects too; the same key in sibling objects is fine.
        assertThat(errorOf(VALID.replace("}", ",\"x\":{\"a\":1,\"a\":2}}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'a' twice");
        assertThat(BackfillRequest.fromJson(VALID.replace("}", ",\"x\":[{\"a\":1},{\"a\":2}]}").getBytes(
                StandardCharsets.UTF_8)).requestId()).isEqualTo("r");
        // A key not of the protocol's shape is not echoed.
        String odd = "<script>" + "k".repeat(100);
        String twice = VALID.replace("}", ",\"" + odd + "\":1,\"" + odd + "\":2}");
        assertThat(errorOf(twice.getBytes(StandardCharsets.UTF_8)).getMessage()).doesNotContain("script").contains(
                "of 108 characters");
    }

    @Test
    void errorsNeverEchoParserInternalsOrPayloadFragments() {
        String secret = "s3cr3t-fragment";
        for (String bad : new String[]{"{\"requestId\":\"" + secret + "\" garbage", "[\"" + secret + "\"]",
                "{\"" + secret + "\":1} trailing", "{\"requestId\":{\"" + secret + "\":1},\"deviceId\":\"d\"}",
                VALID.replace("\"attempt\":1", "\"attempt\":[\"" + secret + "\"]")}) {
            ProtocolException e = errorOf(bad.getBytes(StandardCharsets.UTF_8));
            assertThat(e.getMessage()).as(bad).doesNotContain(secret).doesNotContain("Unexpected").doesNotContain(
                    "token").doesNotContain("com.fasterxml");
        }
        assertThat(errorOf("{\"requestId\": x}".getBytes(StandardCharsets.UTF_8))).hasMessage(
                "payload '16 bytes' is not valid JSON (at byte 14)");
    }

    @Test
    void rejectsAnOversizedPayloadBeforeParsingIt() {
        byte[] big = new byte[BackfillRequest.MAX_PAYLOAD_BYTES + 1];
        assertThatThrownBy(() -> BackfillRequest.fromJson(big)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("larger than 131072 bytes");
    }

    @Test
    void theWindowIsCheckedInTheStreamsIndexKind() {
        BackfillRequest r = BackfillRequest.fromJson(("{\"requestId\":\"r\",\"deviceId\":\"d\",\"batchId\":\"b\","
                + "\"startWindow\":\"20\",\"endWindow\":\"10\",\"attempt\":1}").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> r.window(IndexKind.SEQUENCE)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("startWindow '20' must be before endWindow '10'");
        assertThatThrownBy(() -> r.window(IndexKind.TIME)).isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).field()).isEqualTo("startWindow");
    }

    @Property
    void arbitraryBytesParseOrThrowTheLibrarysException(@ForAll byte[] bytes) {
        try {
            BackfillRequest.fromJson(bytes);
        } catch (ProtocolException expected) {
            assertThat(expected.field()).isNotBlank();
        }
        try {
            BackfillStatus.fromJson(bytes);
        } catch (ProtocolException expected) {
            assertThat(expected.field()).isNotBlank();
        }
        try {
            BackfillResponse.fromJson(bytes);
        } catch (ProtocolException expected) {
            assertThat(expected.field()).isNotBlank();
        }
    }

    @Property
    void arbitraryJsonishStringsParseOrThrow(@ForAll String text) {
        byte[] bytes = ("{\"requestId\":\"" + text + "\",\"deviceId\":\"d\",\"batchId\":\"b\",\"startWindow\":\"" + text
                + "\",\"endWindow\":\"2\",\"attempt\":1}").getBytes(StandardCharsets.UTF_8);
        try {
            BackfillRequest r = BackfillRequest.fromJson(bytes);
            assertThat(BackfillRequest.fromJson(r.toJson())).isEqualTo(r);
        } catch (ProtocolException expected) {
            assertThat(expected.field()).isNotBlank();
        }
    }

    private static void expectError(String json, String field) {
        assertThatThrownBy(() -> BackfillRequest.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).field()).isEqualTo(field);
    }
}
