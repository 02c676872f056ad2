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

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
    private static final ObjectMapper MAPPER = new ObjectMapper();

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
        Utf8Json.require(BODY, json);
        List<Element> elements = scan(json);
        if (elements.size() != expectedCount) {
            throw new ProtocolException(PropertyNames.EVENT_COUNT, Integer.toString(expectedCount),
                    "does not match the " + elements.size() + " events in the body");
        }
        List<Event> events = new ArrayList<>(elements.size());
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < elements.size(); i++) {
            Element element = elements.get(i);
            String field = "body[" + i + "].index";
            if (element.notAnObject() != null) {
                // Only its type: the element is a piece of the payload.
                throw new ProtocolException("body[" + i + "]", typeOf(element.notAnObject()),
                        "must be a JSON object");
            }
            if (element.indexFields() > 1) {
                throw new ProtocolException(field, shown(element.index()), "appears more than once");
            }
            long index = readIndex(field, element.index(), kind);
            if (!window.contains(index)) {
                throw new ProtocolException(field, kind.format(index), "lies outside the window " + window.toString(
                        kind));
            }
            if (index < previous) {
                throw new ProtocolException(field, kind.format(index), "is out of index order");
            }
            previous = index;
            // The event is kept as received, byte for byte: no re-serialisation, so numbers keep their form.
            events.add(new Event(index, new String(json, element.start(), element.end() - element.start(),
                    StandardCharsets.UTF_8)));
        }
        return events;
    }

    /**
     * One element of the body's array: where it lies in the body, and its {@code index} value (or, when it is not an
     * object, the element itself).
     */
    private record Element(int start, int end, JsonNode index, int indexFields, JsonNode notAnObject) {
    }

    /**
     * Reads the body as a JSON array in one streaming pass, without building a tree of the events: only each
     * element's bounds and its {@code index} are kept.
     */
    private static List<Element> scan(byte[] json) {
        List<Element> elements = new ArrayList<>();
        try (JsonParser parser = MAPPER.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                if (parser.currentToken() != null) {
                    parser.skipChildren();
                }
                requireEnd(parser, json);
                throw new ProtocolException(BODY, size(json), "must be a JSON array of events");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new ProtocolException(BODY, size(json), "is not valid JSON: the array is not closed");
                }
                if (token != JsonToken.START_OBJECT) {
                    elements.add(new Element(0, 0, null, 0, MAPPER.readTree(parser)));
                    continue;
                }
                int start = (int) parser.currentTokenLocation().getByteOffset();
                JsonNode index = null;
                int indexFields = 0;
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    parser.nextToken();
                    if (INDEX_FIELD.equals(name)) {
                        index = MAPPER.readTree(parser);
                        indexFields++;
                    } else {
                        parser.skipChildren();
                    }
                }
                int end = (int) parser.currentLocation().getByteOffset();
                elements.add(new Element(start, end, index, indexFields, null));
            }
            requireEnd(parser, json);
        } catch (JsonProcessingException e) {
            // The parser's own message quotes the body: say only where it stopped.
            throw new ProtocolException(BODY, size(json), "is not valid JSON" + at(e), e);
        } catch (IOException e) {
            throw new ProtocolException(BODY, size(json), "is not valid JSON", e);
        }
        return elements;
    }

    /**
     * The body must be UTF-8 (PROTOCOL.md section 2). The JSON parser alone does not ensure it: it detects UTF-16
     * and UTF-32 from the first bytes (and then has no byte offsets to cut events at), and it skips the fields it
     * does not read without checking their bytes, which would store such an event altered. Found by fuzzing.
     */

    /** Trailing content after the JSON value ("[]garbage") is malformed JSON, not something to ignore. */
    private static void requireEnd(JsonParser parser, byte[] json) throws IOException {
        if (parser.nextToken() != null) {
            throw new ProtocolException(BODY, size(json), "is not valid JSON: trailing content after the array");
        }
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
        throw new ProtocolException(field, shown(node), "must be the index's wire form in a JSON string");
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

    /**
     * A JSON value as an error may show it: a string or number as it is (the error cuts it short), an object, array
     * or other value only by its type, so that no piece of a payload goes back to the sender.
     */
    public static String shown(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.toString();
        }
        return typeOf(node);
    }

    /** What kind of JSON value {@code node} is, for errors that must not echo it: "(a JSON array)", … */
    public static String typeOf(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "(no JSON value)";
        }
        return "(a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    private static String size(byte[] json) {
        return json.length + " bytes";
    }

    /** Where a parser stopped, as " at byte N" (nothing of the parser's message, which quotes the input). */
    public static String at(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getByteOffset() < 0
                ? ""
                : " (at byte " + e.getLocation().getByteOffset() + ")";
    }
}
