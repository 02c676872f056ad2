package com.reliableedge.cloud.testing;

import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

import com.azure.core.amqp.implementation.MessageSerializer;
import com.azure.messaging.eventhubs.EventData;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * Events as IoT Hub's built-in endpoint delivers a device-to-cloud message, made the way the SDK makes them: an AMQP
 * message (proton-j) with the hub's message annotations ({@code iothub-connection-device-id},
 * {@code iothub-message-source}, {@code x-opt-offset}, …), the device's {@code message-id}, {@code content-type} and
 * {@code content-encoding} in the AMQP properties and its properties as AMQP application properties, encoded to
 * bytes and decoded again (the wire), then turned into an {@link EventData} by the SDK's own receive-side
 * deserializer ({@code EventHubMessageSerializer}, package-private in the SDK, hence the reflection: the public
 * {@code EventData} constructors make events to send, without system properties).
 */
public final class IotHubEvents {

    private static final MessageSerializer SERIALIZER = serializer();

    private IotHubEvents() {
    }

    /** One hub message, field by field; null leaves a field out. */
    public static final class Builder {
        private final Map<String, Object> annotations = new LinkedHashMap<>();
        private final Map<String, Object> application = new LinkedHashMap<>();
        private Object messageId;
        private String contentType = MessageProperties.CONTENT_TYPE_JSON;
        private String contentEncoding;
        private Object body = new byte[0];

        Builder(long sequenceNumber) {
            annotations.put("iothub-connection-auth-method",
                    "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}");
            annotations.put("iothub-connection-auth-generation-id", "638390000000000000");
            annotations.put("iothub-enqueuedtime", new Date(1_790_000_000_000L + sequenceNumber));
            annotations.put("iothub-message-source", "Telemetry");
            annotations.put("x-opt-sequence-number", sequenceNumber);
            annotations.put("x-opt-offset", Long.toString(sequenceNumber * 512));
            annotations.put("x-opt-enqueued-time", new Date(1_790_000_000_000L + sequenceNumber));
        }

        public Builder device(String deviceId) {
            return annotation("iothub-connection-device-id", deviceId);
        }

        public Builder annotation(String name, Object value) {
            if (value == null) {
                annotations.remove(name);
            } else {
                annotations.put(name, value);
            }
            return this;
        }

        public Builder envelope(Envelope envelope) {
            envelope.properties().toApplicationProperties().forEach(application::put);
            messageId = envelope.messageId();
            contentEncoding = envelope.properties().contentEncoding();
            return this;
        }

        public Builder property(String name, Object value) {
            if (value == null) {
                application.remove(name);
            } else {
                application.put(name, value);
            }
            return this;
        }

        public Builder messageId(Object id) {
            this.messageId = id;
            return this;
        }

        public Builder contentType(String type) {
            this.contentType = type;
            return this;
        }

        public Builder contentEncoding(String encoding) {
            this.contentEncoding = encoding;
            return this;
        }

        public Builder body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        /** An AMQP value section instead of data: not what the hub sends. */
        public Builder valueBody(String value) {
            this.body = value;
            return this;
        }

        /** The event the SDK hands to the processor for this message. */
        public EventData delivered() {
            Message sent = Proton.message();
            Map<Symbol, Object> symbols = new HashMap<>();
            annotations.forEach((k, v) -> symbols.put(Symbol.valueOf(k), v));
            sent.setMessageAnnotations(new MessageAnnotations(symbols));
            Properties properties = new Properties();
            properties.setMessageId(messageId);
            properties.setContentType(contentType == null ? null : Symbol.valueOf(contentType));
            properties.setContentEncoding(contentEncoding == null ? null : Symbol.valueOf(contentEncoding));
            sent.setProperties(properties);
            sent.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(application)));
            sent.setBody(body instanceof byte[] b ? new Data(new Binary(b)) : new AmqpValue(body));
            // Over the wire and back, as the receiving link does.
            ByteBuffer wire = ByteBuffer.allocate(1 << 20);
            int length = sent.encode(wire.array(), 0, wire.capacity());
            Message received = Proton.message();
            received.decode(wire.array(), 0, length);
            return SERIALIZER.deserialize(received, EventData.class);
        }
    }

    public static Builder message(long sequenceNumber) {
        return new Builder(sequenceNumber);
    }

    /** A device message of {@code deviceId} carrying {@code envelope} and {@code body}, as the hub delivers it. */
    public static EventData delivered(String deviceId, Envelope envelope, byte[] body, long sequenceNumber) {
        return message(sequenceNumber).device(deviceId).envelope(envelope).body(body).delivered();
    }

    private static MessageSerializer serializer() {
        try {
            Constructor<?> c = Class.forName("com.azure.messaging.eventhubs.EventHubMessageSerializer")
                    .getDeclaredConstructor();
            c.setAccessible(true);
            return (MessageSerializer) c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Event Hubs SDK's receive-side deserializer moved", e);
        }
    }
}
