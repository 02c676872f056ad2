package com.reliableedge.protocol.message;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.reliableedge.protocol.ProtocolException;

/**
 * Everything of an upstream message but its body: the system property {@code messageId} and the other
 * properties. Bindings ({@code HttpHeaderCodec}, {@code MqttTopicCodec}) turn it into their wire form and back.
 */
public record Envelope(String messageId, MessageProperties properties) {

    /** The message size limit of IoT Hub, and the protocol's upper bound. */
    public static final int MAX_MESSAGE_BYTES = 262_144;

    public Envelope {
        MessageIds.requireValid(messageId);
        if (properties == null) {
            throw ProtocolException.missing("properties");
        }
    }

    /** The envelope of a message this device sends: its id is computed from the properties. */
    public static Envelope of(String deviceId, MessageProperties properties) {
        return new Envelope(properties.messageId(deviceId), properties);
    }

    /**
     * The UTF-8 bytes of every property name and value, application and system ({@code messageId},
     * {@code contentType}, {@code contentEncoding}), by their protocol names. A message's size is this plus its
     * body as sent.
     */
    public int propertiesSize() {
        int size = utf8(PropertyNames.MESSAGE_ID) + utf8(messageId) + utf8(PropertyNames.CONTENT_TYPE)
                + utf8(MessageProperties.CONTENT_TYPE_JSON);
        if (properties.contentEncoding() != null) {
            size += utf8(PropertyNames.CONTENT_ENCODING) + utf8(properties.contentEncoding());
        }
        for (Map.Entry<String, String> e : properties.toApplicationProperties().entrySet()) {
            size += utf8(e.getKey()) + utf8(e.getValue());
        }
        return size;
    }

    private static int utf8(String s) {
        // Property names and values are ASCII by construction; count properly all the same.
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
