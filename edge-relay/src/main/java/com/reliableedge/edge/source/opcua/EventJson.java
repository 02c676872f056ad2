package com.reliableedge.edge.source.opcua;

import java.util.Optional;

import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.protocol.index.IndexKind;

/**
 * An OPC UA data value as an event: {@code {"index","node","value","status","serverTime"}}, index = the source
 * timestamp floored to the millisecond (the server timestamp when the value has none). Built with Jackson's tree
 * model, so nothing needs registering for reflection. Live and history build the same bytes for the same value.
 */
final class EventJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EventJson() {
    }

    /** The event's index, if the value carries a timestamp. */
    static Optional<Long> index(DataValue v) {
        DateTime t = v.sourceTime() != null && v.sourceTime().isValid() ? v.sourceTime() : v.serverTime();
        if (t == null || !t.isValid()) {
            return Optional.empty();
        }
        return Optional.of(IndexKind.floorToMillis(t.getJavaInstant()));
    }

    static byte[] json(long index, NodeId node, DataValue v) {
        ObjectNode o = NODES.objectNode();
        o.put("index", IndexKind.TIME.format(index));
        o.put("node", node.toParseableString());
        o.set("value", value(v.value() == null ? null : v.value().value()));
        o.put("status", v.statusCode() == null ? 0L : v.statusCode().value());
        if (v.serverTime() != null && v.serverTime().isValid()) {
            o.put("serverTime", v.serverTime().getJavaInstant().toString());
        }
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event of node " + node, e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode value(Object x) {
        if (x == null) {
            return NODES.nullNode();
        } else if (x instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (x instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? NODES.textNode(d.toString()) : NODES.numberNode(d);
        } else if (x instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? NODES.textNode(f.toString()) : NODES.numberNode(f);
        } else if (x instanceof Number n) {
            return NODES.numberNode(new java.math.BigDecimal(n.toString()));
        } else if (x instanceof DateTime t) {
            return NODES.textNode(t.getJavaInstant().toString());
        } else if (x instanceof Object[] array) {
            ArrayNode a = NODES.arrayNode();
            for (Object e : array) {
                a.add(value(e));
            }
            return a;
        }
        return NODES.textNode(x.toString());
    }
}
