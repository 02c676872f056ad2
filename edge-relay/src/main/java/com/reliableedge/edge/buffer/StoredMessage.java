package com.reliableedge.edge.buffer;

import com.reliableedge.protocol.message.MessageProperties;

/** A message waiting in the buffer: its buffer id (in seal order), properties, body and seal time (wall clock). */
public record StoredMessage(long id, MessageProperties properties, byte[] body, long sealedAtMillis) {
}
