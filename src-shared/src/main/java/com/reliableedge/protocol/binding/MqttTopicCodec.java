package com.reliableedge.protocol.binding;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * The MQTT binding's topic: {@code devices/{deviceId}/messages/events/{bag}}, where the property bag is written as
 * the Azure IoT device SDK writes it: system properties first ({@code $.mid}, {@code $.ce}, {@code $.ct}, names
 * as they are, values URL-encoded), then each application property with name and value URL-encoded (a space as
 * {@code %20}, never {@code +}), joined with {@code &}; empty values are left out.
 */
public final class MqttTopicCodec {

    public static final String SYSTEM_MESSAGE_ID = "$.mid";
    public static final String SYSTEM_CONTENT_ENCODING = "$.ce";
    public static final String SYSTEM_CONTENT_TYPE = "$.ct";

    private static final String PREFIX = "devices/";
    private static final String EVENTS = "/messages/events/";
    private static final String TOPIC = "topic";

    private MqttTopicCodec() {
    }

    /** The topic to publish a message of {@code deviceId} with {@code envelope} to. */
    public static String encode(String deviceId, Envelope envelope) {
        Identifiers.require("deviceId", deviceId);
        StringBuilder topic = new StringBuilder(PREFIX).append(deviceId).append(EVENTS);
        Separator separator = new Separator();
        append(topic, separator, SYSTEM_MESSAGE_ID, envelope.messageId(), false);
        append(topic, separator, SYSTEM_CONTENT_ENCODING, envelope.properties().contentEncoding(), false);
        append(topic, separator, SYSTEM_CONTENT_TYPE, MessageProperties.CONTENT_TYPE_JSON, false);
        envelope.properties().toApplicationProperties().forEach((name, value) -> append(topic, separator, name, value,
                true));
        return topic.toString();
    }

    /** A received message's topic: the device it was published under and its envelope. */
    public record Decoded(String deviceId, Envelope envelope) {
    }

    /**
     * Reads a topic as published by {@link #encode} or by the Azure IoT device SDK.
     *
     * @throws ProtocolException naming the topic, or the missing or malformed property
     */
    public static Decoded decode(String topic) {
        if (topic == null) {
            throw ProtocolException.missing(TOPIC);
        }
        if (!topic.startsWith(PREFIX)) {
            throw new ProtocolException(TOPIC, topic, "must start with devices/");
        }
        int deviceEnd = topic.indexOf('/', PREFIX.length());
        if (deviceEnd < 0 || !topic.startsWith(EVENTS, deviceEnd)) {
            throw new ProtocolException(TOPIC, topic, "must be devices/{deviceId}/messages/events/{properties}");
        }
        String deviceId = Identifiers.require("deviceId", topic.substring(PREFIX.length(), deviceEnd));
        String bag = topic.substring(deviceEnd + EVENTS.length());
        if (bag.endsWith("/")) {
            bag = bag.substring(0, bag.length() - 1);
        }
        Map<String, String> application = new LinkedHashMap<>();
        String messageId = null;
        String contentType = null;
        String contentEncoding = null;
        for (String pair : bag.isEmpty() ? new String[0] : bag.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ProtocolException(TOPIC, topic, "has a property without name=value: '" + abbreviate(pair)
                        + "'");
            }
            String name = decodePart(topic, pair.substring(0, eq));
            String value = decodePart(topic, pair.substring(eq + 1));
            switch (name) {
                case SYSTEM_MESSAGE_ID -> messageId = value;
                case SYSTEM_CONTENT_TYPE -> contentType = value;
                case SYSTEM_CONTENT_ENCODING -> contentEncoding = value;
                default -> {
                    // Other system properties ($.cid, $.ctime, ...) mean nothing to this protocol.
                    if (!name.startsWith("$.")) {
                        application.put(name, value);
                    }
                }
            }
        }
        if (messageId == null) {
            throw ProtocolException.missing(SYSTEM_MESSAGE_ID);
        }
        if (contentType == null) {
            throw ProtocolException.missing(SYSTEM_CONTENT_TYPE);
        }
        HttpHeaderCodec.requireJson(contentType);
        return new Decoded(deviceId, new Envelope(messageId, MessageProperties.parse(application, contentEncoding)));
    }

    private static final class Separator {
        private boolean needed;
    }

    private static void append(StringBuilder topic, Separator separator, String name, String value,
            boolean encodeName) {
        if (value == null || value.isEmpty()) {
            return;
        }
        if (separator.needed) {
            topic.append('&');
        }
        topic.append(encodeName ? encode(name) : name).append('=').append(encode(value));
        separator.needed = true;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decodePart(String topic, String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(TOPIC, topic, "has malformed URL encoding in '" + abbreviate(part) + "'", e);
        }
    }

    /** A part of the topic for an error: the topic itself is already shown, shortened, so a hint suffices. */
    private static String abbreviate(String part) {
        // Found by fuzzing: a long topic's part made the error message as long as the topic.
        return part.length() > 40 ? part.substring(0, 40) + "…" : part;
    }
}
