package com.reliableedge.protocol.method;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Utf8Json;

/**
 * The JSON codec of the method payloads and the {@code backfillStatus} body. It reads through a tree and checks
 * each field by hand (no reflection, so native images need no registration), and writes fields in a fixed order.
 * Unknown fields are ignored, so later versions can add some. The readers are public so that the apps check their
 * own small JSON bodies (operator requests) the same way.
 */
public final class MethodJson {

    // Trailing content after the JSON value ("[]garbage") is malformed JSON, not something to ignore.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private MethodJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode always serializes", e);
        }
    }

    /**
     * Reads a JSON object of at most {@code maxBytes}, or throws naming {@code what} (the payload or body). The bytes
     * must be UTF-8 without a byte-order mark (PROTOCOL.md section 2; no other encoding is guessed), and no object
     * may name a key twice (a reader that took the first or the last would guess). Errors say what is wrong and
     * where (line and column), never the parser's own words or pieces of the input.
     */
    public static JsonNode readObject(String what, byte[] json, int maxBytes) {
        if (json == null || json.length == 0) {
            throw ProtocolException.missing(what);
        }
        if (json.length > maxBytes) {
            throw new ProtocolException(what, json.length + " bytes", "is larger than " + maxBytes + " bytes");
        }
        Utf8Json.require(what, json);
        JsonNode node;
        try {
            rejectDuplicateKeys(what, json);
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            // The parser's own message quotes the input: say only where it stopped.
            throw new ProtocolException(what, json.length + " bytes", "is not valid JSON" + BatchBody.at(e), e);
        } catch (IOException e) {
            throw new ProtocolException(what, json.length + " bytes", "is not valid JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException(what, BatchBody.typeOf(node), "must be a JSON object");
        }
        return node;
    }

    /** Walks the tokens once, keeping each open object's keys; a key seen twice in one object throws naming it. */
    private static void rejectDuplicateKeys(String what, byte[] json) throws IOException {
        Deque<Set<String>> open = new ArrayDeque<>();
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT -> open.push(new HashSet<>());
                    case START_ARRAY -> open.push(Set.of());
                    case END_OBJECT, END_ARRAY -> open.pop();
                    case FIELD_NAME -> {
                        String key = p.currentName();
                        if (!open.peek().add(key)) {
                            throw new ProtocolException(what, null, "names the key " + shown(key) + " twice (line "
                                    + p.currentLocation().getLineNr() + ")");
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }

    /** A key of the protocol's shape is shown as is; anything else only by its length. */
    private static String shown(String key) {
        return key.length() <= 64 && key.matches("[A-Za-z0-9._:-]+")
                ? "'" + key + "'"
                : "of " + key.length() + " characters";
    }

    /** The string {@code field} of {@code node}; missing, null or not a string throws naming the field. */
    public static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ProtocolException.missing(field);
        }
        if (!value.isTextual()) {
            throw new ProtocolException(field, BatchBody.shown(value), "must be a JSON string");
        }
        return value.textValue();
    }

    static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ProtocolException(field, BatchBody.shown(value), "must be a JSON string");
        }
        return value.textValue();
    }

    static int requiredInt(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ProtocolException.missing(field);
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new ProtocolException(field, BatchBody.shown(value), "must be an integer");
        }
        return value.intValue();
    }
}
