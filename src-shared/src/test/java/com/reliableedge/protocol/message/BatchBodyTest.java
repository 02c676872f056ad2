package com.reliableedge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.simulator.SimulatorData;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class BatchBodyTest {

    private static final Window WINDOW = new Window(100, 200);

    @Test
    void joinsAndDecodesSimulatorEvents() {
        List<byte[]> events = new ArrayList<>();
        long bytes = 0;
        for (long i = 100; i < 110; i++) {
            byte[] e = SimulatorData.eventJson(IndexKind.SEQUENCE, "seq-1", i).getBytes(StandardCharsets.UTF_8);
            events.add(e);
            bytes += e.length;
        }
        byte[] body = BatchBody.join(events);
        assertThat((long) body.length).isEqualTo(BatchBody.sizeOf(events.size(), bytes));
        for (String encoding : new String[]{null, "gzip"}) {
            byte[] sent = encoding == null ? body : BatchBody.gzip(body);
            List<BatchBody.Event> decoded = BatchBody.decode(sent, encoding, IndexKind.SEQUENCE, WINDOW, 10, 1 << 20);
            assertThat(decoded).extracting(BatchBody.Event::index).containsExactly(100L, 101L, 102L, 103L, 104L, 105L,
                    106L, 107L, 108L, 109L);
            assertThat(decoded.get(0).json()).isEqualTo(SimulatorData.eventJson(IndexKind.SEQUENCE, "seq-1", 100));
        }
        assertThat(BatchBody.join(List.of())).isEqualTo("[]".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsNumbersForSequenceIndexes() {
        byte[] body = "[{\"index\":150,\"v\":1}]".getBytes(StandardCharsets.UTF_8);
        assertThat(BatchBody.decode(body, null, IndexKind.SEQUENCE, WINDOW, 1, 1024)).hasSize(1);
    }

    @Test
    void keepsEachEventAsReceivedByteForByte() {
        String first = "{ \"value\": 1.50, \"index\": \"100\", \"note\": \"d\u00e9j\u00e0 \\u00e9\", \"n\": [1e3, {\"index\": 7}] }";
        String second = "{\"index\":101,\"big\":12345678901234567890123}";
        byte[] body = ("[" + first + " ,\n" + second + "]").getBytes(StandardCharsets.UTF_8);
        List<BatchBody.Event> decoded = BatchBody.decode(body, null, IndexKind.SEQUENCE, WINDOW, 2, 1024);
        assertThat(decoded).extracting(BatchBody.Event::json).containsExactly(first, second);
        assertThat(decoded).extracting(BatchBody.Event::index).containsExactly(100L, 101L);
    }

    @Test
    void namesWhatIsWrong() {
        expectError("[{\"index\":\"100\",\"index\":\"101\"}]", 1, "body[0].index");
        expectError("[{\"index\":\"100\"}] []", 1, "body");
        expectError("[{\"index\":\"100\"}", 1, "body");
        expectError("[{\"index\":\"99\"}]", 1, "body[0].index");
        expectError("[{\"index\":\"150\"},{\"index\":\"120\"}]", 2, "body[1].index");
        expectError("[{\"value\":1}]", 1, "body[0].index");
        expectError("[1]", 1, "body[0]");
        expectError("{}", 0, "body");
        expectError("[", 0, "body");
        expectError("[] trailing", 0, "body");
        expectError("[]]", 0, "body");
        expectError("[{\"index\":\"150\"}]", 2, "eventCount");
    }

    @Test
    void refusesToInflateAGzipBomb() {
        byte[] zeros = new byte[1 << 20];
        assertThatThrownBy(() -> BatchBody.decode(BatchBody.gzip(zeros), "gzip", IndexKind.SEQUENCE, WINDOW, 0,
                64 * 1024)).isInstanceOf(ProtocolException.class).hasMessageContaining("inflates past");
        assertThatThrownBy(() -> BatchBody.decode(new byte[]{1, 2, 3}, "gzip", IndexKind.SEQUENCE, WINDOW, 0, 1024))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not valid gzip");
    }

    /** Found by fuzzing (BatchBodyFuzzTest): UTF-16 bodies threw StringIndexOutOfBoundsException, bad UTF-8 passed. */
    @Test
    void refusesBodiesThatAreNotUtf8() {
        String json = "[{\"index\":\"150\"}]";
        for (byte[] body : new byte[][]{("\ufeff" + json).getBytes(StandardCharsets.UTF_16BE),
                json.getBytes(StandardCharsets.UTF_16LE), json.getBytes(StandardCharsets.UTF_16),
                ("\ufeff" + json).getBytes(StandardCharsets.UTF_8),
                "[{\"index\":\"150\",\"\u00ffk\":1}]".getBytes(StandardCharsets.ISO_8859_1)}) {
            for (String encoding : new String[]{null, "gzip"}) {
                byte[] sent = encoding == null ? body : BatchBody.gzip(body);
                assertThatThrownBy(() -> BatchBody.decode(sent, encoding, IndexKind.SEQUENCE, WINDOW, 1, 1024))
                        .isInstanceOf(ProtocolException.class)
                        .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("body"))
                        .hasMessageContaining("bytes").hasMessageNotContaining("index");
            }
        }
        assertThat(BatchBody.decode("[{\"index\":\"150\",\"t\":\"\u00e9\u20ac\ud83d\ude00\"}]".getBytes(
                StandardCharsets.UTF_8), null, IndexKind.SEQUENCE, WINDOW, 1, 1024)).hasSize(1);
    }

    @Property
    void arbitraryBodiesDecodeOrThrow(@ForAll byte[] body) {
        for (IndexKind kind : IndexKind.values()) {
            try {
                BatchBody.decode(body, null, kind, WINDOW, 0, 1024);
            } catch (ProtocolException expected) {
                assertThat(expected.field()).isNotBlank();
            }
        }
    }

    private static void expectError(String json, int count, String field) {
        assertThatThrownBy(() -> BatchBody.decode(json.getBytes(StandardCharsets.UTF_8), null, IndexKind.SEQUENCE,
                WINDOW, count, 1024)).isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).field()).isEqualTo(field);
    }
}
