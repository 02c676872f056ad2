package com.reliableedge.edge.aggregate;

import java.util.ArrayList;
import java.util.List;

import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * Turns a cut window into a message: the body is the events joined into a JSON array; with gzip on, the gzipped body
 * is kept only when it is smaller, so a body never outgrows the budget it was cut for.
 */
public record BatchEncoder(boolean gzip) {

    public SealedMessage encode(MessageProperties properties, List<SourceEvent> events) {
        List<byte[]> jsons = new ArrayList<>(events.size());
        for (SourceEvent e : events) {
            jsons.add(e.json());
        }
        byte[] body = BatchBody.join(jsons);
        if (gzip && !events.isEmpty()) {
            byte[] zipped = BatchBody.gzip(body);
            if (zipped.length < body.length) {
                return new SealedMessage(properties.withContentEncoding(MessageProperties.GZIP), zipped);
            }
        }
        return new SealedMessage(properties, body);
    }
}
