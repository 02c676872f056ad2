package com.reliableedge.cloud.ingest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.azure.core.amqp.models.AmqpAnnotatedMessage;
import com.azure.core.amqp.models.AmqpMessageBodyType;
import com.azure.core.amqp.models.AmqpMessageId;
import com.azure.core.amqp.models.AmqpMessageProperties;
import com.azure.messaging.eventhubs.EventData;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * Reads one event of IoT Hub's built-in (Event Hub-compatible) endpoint as the hub delivers a device-to-cloud
 * message: the device from the message annotation {@code iothub-connection-device-id} (the hub stamps it from the
 * authenticated connection, so it cannot be forged by the device), the section 2 properties from the AMQP
 * application properties, {@code messageId} from the AMQP {@code message-id}, {@code contentType} and
 * {@code contentEncoding} from the AMQP {@code content-type} and {@code content-encoding} properties, the body from
 * the single AMQP data section. A pure function: it reads only the AMQP message, which is the same whether the SDK
 * received it or a test built it.
 */
public final class EventHubsEvents {

    /** Message annotation: the device whose authenticated connection sent the message. */
    public static final String DEVICE_ID = "iothub-connection-device-id";
    /** Message annotation: {@code Telemetry}, or the kind of hub event a route sent to the endpoint. */
    public static final String MESSAGE_SOURCE = "iothub-message-source";
    public static final String TELEMETRY = "Telemetry";
    /** The AMQP properties, as errors name them. */
    public static final String MESSAGE_ID = "message-id";
    public static final String CONTENT_TYPE = "content-type";
    public static final String CONTENT_ENCODING = "content-encoding";

    /** Why an event is skipped (the {@code reason} tag of {@code backfill_eventhubs_ingest_skipped_total}). */
    public enum SkipReason {
        /** No usable {@code iothub-connection-device-id}: not a device message of this hub. */
        NO_DEVICE("no-device"),
        /** A twin change, lifecycle or connection event routed to the endpoint: not a device message. */
        NOT_TELEMETRY("not-telemetry"),
        /** Properties or body that the protocol cannot read. */
        MALFORMED("malformed");

        public final String tag;

        SkipReason(String tag) {
            this.tag = tag;
        }
    }

    /** What the mapping makes of one event. */
    public sealed interface Mapped {
    }

    /** A device message for the ingest path. */
    public record Ingestible(String deviceId, Envelope envelope, byte[] body) implements Mapped {
    }

    /** Never ingestible: counted and checkpointed past. {@code error} names the field and value. */
    public record Skip(SkipReason reason, String deviceId, String error) implements Mapped {
    }

    private EventHubsEvents() {
    }

    public static Mapped map(EventData event) {
        return map(event.getRawAmqpMessage());
    }

    public static Mapped map(AmqpAnnotatedMessage message) {
        Map<String, Object> annotations = message.getMessageAnnotations();
        Object source = annotations.get(MESSAGE_SOURCE);
        Object device = annotations.get(DEVICE_ID);
        String deviceId = device instanceof String s ? s : null;
        if (source != null && !TELEMETRY.equals(source)) {
            return new Skip(SkipReason.NOT_TELEMETRY, deviceId, MESSAGE_SOURCE + " '" + abbreviate(String.valueOf(
                    source)) + "' is not " + TELEMETRY);
        }
        if (device == null) {
            return new Skip(SkipReason.NO_DEVICE, null, DEVICE_ID + " is required");
        }
        if (deviceId == null || !Identifiers.isValid(deviceId)) {
            return new Skip(SkipReason.NO_DEVICE, null, DEVICE_ID + " '" + abbreviate(String.valueOf(device))
                    + "' must be 1-128 characters of [A-Za-z0-9._:-]");
        }
        try {
            return new Ingestible(deviceId, envelope(message), body(message));
        } catch (ProtocolException e) {
            return new Skip(SkipReason.MALFORMED, deviceId, e.getMessage());
        }
    }

    private static Envelope envelope(AmqpAnnotatedMessage message) {
        AmqpMessageProperties amqp = message.getProperties();
        String contentType = amqp.getContentType();
        if (contentType == null) {
            throw ProtocolException.missing(CONTENT_TYPE);
        }
        requireJson(contentType);
        Map<String, String> application = new LinkedHashMap<>();
        message.getApplicationProperties().forEach((name, value) -> {
            if (value instanceof String s) {
                application.put(name, s);
            } else if (value != null) {
                // IoT Hub hands device properties on as strings; anything else is not this protocol's.
                throw new ProtocolException(name, abbreviate(String.valueOf(value)), "must be a string (is "
                        + value.getClass().getSimpleName() + ")");
            }
        });
        AmqpMessageId id = amqp.getMessageId();
        if (id == null) {
            throw ProtocolException.missing(MESSAGE_ID);
        }
        return new Envelope(id.toString(), MessageProperties.parse(application, amqp.getContentEncoding()));
    }

    private static byte[] body(AmqpAnnotatedMessage message) {
        AmqpMessageBodyType type = message.getBody().getBodyType();
        if (type != AmqpMessageBodyType.DATA) {
            throw new ProtocolException("body", type.toString(), "must be an AMQP data section");
        }
        byte[] body = message.getBody().getFirstData();
        return body == null ? new byte[0] : body;
    }

    /** Accepts {@code application/json}, with parameters such as {@code charset=utf-8}, in any case. */
    private static void requireJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        if (!mediaType.toLowerCase(Locale.ROOT).equals(MessageProperties.CONTENT_TYPE_JSON)) {
            throw new ProtocolException(CONTENT_TYPE, contentType, "must be application/json");
        }
    }

    private static String abbreviate(String value) {
        return value.length() > 130 ? value.substring(0, 130) + "…" : value;
    }
}
