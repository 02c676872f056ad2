package com.reliableedge.protocol.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * A batch message's body (PROTOCOL.md section 2): a UTF-8 JSON array of event objects in index order, each with
 * its index in the field {@code index} as the index's wire form in a JSON string (readers also accept a JSON
 * number for {@code sequence}), optionally gzipped.
 */
public final class BatchBody {

    public static final String INDEX_FIELD = "index";
    private static final String BODY = "body";
    // Trailing content after the JSON value ("[]garbage") is malformed JSON, not something to ignore.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private BatchBody() {
    }

    /** One event of a received body: its index and the whole event object as JSON text. */
    public record Event(long index, String json) {
    }

    /**
     * Joins already serialized event objects into a body: {@code [e1,e2,…]}. The size of the result is
     * {@link #sizeOf(int, long)} of the events' count and summed lengths.
     */
    public static byte[] join(List<byte[]> events) {
        int size = 2 + Math.max(0, events.size() - 1);
        for (byte[] e : events) {
            size += e.length;
        }
        byte[] out = new byte[size];
        int pos = 0;
        out[pos++] = '[';
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out[pos++] = ',';
            }
            byte[] e = events.get(i);
            System.arraycopy(e, 0, out, pos, e.length);
            pos += e.length;
        }
        out[pos] = ']';
        return out;
    }

    /** The size of an uncompressed body of {@code count} events whose serialized lengths add up to {@code bytes}. */
    public static long sizeOf(int count, long bytes) {
        return 2 + bytes + Math.max(0, count - 1);
    }

    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads and checks a received body: a JSON array of objects, each with an index of {@code kind} inside
     * {@code window}, in non-decreasing index order, {@code expectedCount} of them.
     *
     * @param contentEncoding {@code null} or {@code gzip}
     * @param maxDecodedBytes the most a gzipped body may inflate to (guards against gzip bombs)
     * @throws ProtocolException naming {@code body} (or {@code eventCount}) and what is wrong
     */
    public static List<Event> decode(byte[] body, String contentEncoding, IndexKind kind, Window window,
            int expectedCount, int maxDecodedBytes) {
        byte[] json = MessageProperties.GZIP.equals(contentEncoding) ? gunzip(body, maxDecodedBytes) : body;
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(BODY, preview(json), "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ProtocolException(BODY, preview(json), "is not valid JSON", e);
        }
        if (root == null || !root.isArray()) {
            throw new ProtocolException(BODY, preview(json), "must be a JSON array of events");
        }
        if (root.size() != expectedCount) {
            throw new ProtocolException(PropertyNames.EVENT_COUNT, Integer.toString(expectedCount),
                    "does not match the " + root.size() + " events in the body");
        }
        List<Event> events = new ArrayList<>(root.size());
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < root.size(); i++) {
            JsonNode event = root.get(i);
            String field = "body[" + i + "].index";
            if (!event.isObject()) {
                throw new ProtocolException("body[" + i + "]", event.toString(), "must be a JSON object");
            }
            long index = readIndex(field, event.get(INDEX_FIELD), kind);
            if (!window.contains(index)) {
                throw new ProtocolException(field, kind.format(index), "lies outside the window " + window.toString(
                        kind));
            }
            if (index < previous) {
                throw new ProtocolException(field, kind.format(index), "is out of index order");
            }
            previous = index;
            events.add(new Event(index, event.toString()));
        }
        return events;
    }

    private static long readIndex(String field, JsonNode node, IndexKind kind) {
        if (node == null || node.isNull()) {
            throw ProtocolException.missing(field);
        }
        if (node.isTextual()) {
            return kind.parseLenient(field, node.textValue());
        }
        if (kind == IndexKind.SEQUENCE && node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        throw new ProtocolException(field, node.toString(), "must be the index's wire form in a JSON string");
    }

    /** Inflates a gzipped body, refusing to inflate past {@code maxBytes}. */
    public static byte[] gunzip(byte[] body, int maxBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, body.length * 4 + 64));
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > maxBytes) {
                    throw new ProtocolException(BODY, body.length + " gzipped bytes", "inflates past " + maxBytes
                            + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ProtocolException(BODY, body.length + " bytes", "is not valid gzip", e);
        }
    }

    private static String preview(byte[] json) {
        String s = new String(json, 0, Math.min(json.length, 80), StandardCharsets.UTF_8);
        return json.length > 80 ? s + "…" : s;
    }
}
