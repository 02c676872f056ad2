package com.reliableedge.edge.buffer;

import com.reliableedge.protocol.message.MessageProperties;

/** A message ready for the buffer: its properties and its body exactly as it will be sent. */
public record SealedMessage(MessageProperties properties, byte[] body) {

    public SealedMessage {
        if (properties == null || body == null) {
            throw new IllegalArgumentException("a sealed message needs properties and a body");
        }
    }
}
