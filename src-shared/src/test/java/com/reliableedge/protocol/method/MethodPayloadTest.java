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
