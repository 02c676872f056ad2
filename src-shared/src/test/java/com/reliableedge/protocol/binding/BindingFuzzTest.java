package com.reliableedge.protocol.binding;

import static com.reliableedge.protocol.FuzzChecks.check;
import static com.reliableedge.protocol.FuzzChecks.parseOrReject;
import static com.reliableedge.protocol.FuzzChecks.utf8;

import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.reliableedge.protocol.message.Envelope;

/**
 * Coverage-guided fuzzing of the two bindings' decoders: HTTP headers into an {@link Envelope}, and the MQTT topic
 * with its property bag. What they accept must re-encode to something that decodes to the same envelope. Seeds are
 * the golden wire forms and a few malformed variants, in {@code BindingFuzzTestInputs/<method>}.
 */
class BindingFuzzTest {

    /** One header a line, {@code name: value}, as a server hands them over (one value per name). */
    @FuzzTest(maxDuration = "30s")
    void httpHeaders(byte[] input) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : utf8(input).split("\n", -1)) {
            int colon = line.indexOf(':');
            if (colon >= 0) {
                headers.put(line.substring(0, colon), line.substring(colon + 1).strip());
            } else if (!line.isEmpty()) {
                headers.put(line, null);
            }
        }
        Envelope envelope = parseOrReject(() -> HttpHeaderCodec.decode(headers));
        if (envelope == null) {
            return;
        }
        check(envelope.messageId().equals(headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(HttpHeaderCodec.MESSAGE_ID))
                .reduce((a, b) -> b).orElseThrow().getValue()), "the messageId is not the header's");
        Map<String, String> encoded = HttpHeaderCodec.encode(envelope);
        check(HttpHeaderCodec.decode(encoded).equals(envelope), "re-encoded headers decode differently");
        // What was accepted is what the strict wire forms write: every property re-encodes as received.
        envelope.properties().toApplicationProperties().forEach((name, value) -> {
            String received = lastFor(headers, HttpHeaderCodec.APP_PREFIX + name);
            check(received == null || received.equals(value), "property " + name + " '" + received
                    + "' accepted but re-encoded as '" + value + "'");
        });
    }

    /** The whole input is the topic. */
    @FuzzTest(maxDuration = "30s")
    void mqttTopic(byte[] input) {
        String topic = utf8(input);
        MqttTopicCodec.Decoded decoded = parseOrReject(() -> MqttTopicCodec.decode(topic));
        if (decoded == null) {
            return;
        }
        String again = MqttTopicCodec.encode(decoded.deviceId(), decoded.envelope());
        check(MqttTopicCodec.decode(again).equals(decoded), "a re-encoded topic decodes differently");
    }

    private static String lastFor(Map<String, String> headers, String name) {
        String last = null;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                last = e.getValue();
            }
        }
        return last;
    }
}
