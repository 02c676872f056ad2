package com.reliableedge.edge.buffertool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.edge.buffer.StoreView.Waiting;
import com.reliableedge.protocol.index.Window;

/**
 * One waiting message as JSON (Jackson's tree model, so nothing needs reflection in a native image): what inspect's
 * {@code --json} lists and export writes one per line, export with the body.
 */
final class MessageJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private MessageJson() {
    }

    static ObjectNode of(Waiting m, SendLane lane) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", m.id());
        n.put("stream", m.stream());
        n.put("indexKind", m.kind().wireName());
        n.put("lane", lane.label());
        n.put("class", m.lane().label());
        n.put("messageType", m.messageType());
        n.put(Window.START_FIELD, m.window().startWire(m.kind()));
        n.put(Window.END_FIELD, m.window().endWire(m.kind()));
        putIfSet(n, "seq", m.seq());
        if (m.streamOrigin() != null) {
            n.put("streamOrigin", m.kind().format(m.streamOrigin()));
        }
        putIfSet(n, "lateSeq", m.lateSeq());
        if (m.requestId() != null) {
            n.put("backfillRequestId", m.requestId());
        }
        putIfSet(n, "eventCount", m.eventCount());
        if (m.contentEncoding() != null) {
            n.put("contentEncoding", m.contentEncoding());
        }
        n.put("bytes", m.size());
        n.put("sealedAt", Instant.ofEpochMilli(m.sealedAtMillis()).toString());
        return n;
    }

    /** With the body as the JSON it is sent as (unzipped when gzipped); base64 when it is not JSON. */
    static ObjectNode withBody(Waiting m, SendLane lane) {
        ObjectNode n = of(m, lane);
        n.put("bodyBytes", m.body().length);
        try (InputStream in = "gzip".equals(m.contentEncoding())
                ? new GZIPInputStream(new ByteArrayInputStream(m.body()))
                : new ByteArrayInputStream(m.body())) {
            n.set("body", MAPPER.readTree(in));
        } catch (IOException e) {
            n.put("bodyBase64", Base64.getEncoder().encodeToString(m.body()));
            n.put("bodyError", "not JSON" + ("gzip".equals(m.contentEncoding()) ? " after gunzip" : "") + ": "
                    + e.getMessage());
        }
        return n;
    }

    private static void putIfSet(ObjectNode n, String field, Long value) {
        if (value != null) {
            n.put(field, value.longValue());
        }
    }
}
