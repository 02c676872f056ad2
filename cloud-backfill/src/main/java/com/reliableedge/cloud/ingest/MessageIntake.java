package com.reliableedge.cloud.ingest;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.health.DatabaseFaults;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.binding.MqttTopicCodec;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.MessageType;
import com.reliableedge.protocol.message.PropertyNames;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.logging.Log;

/**
 * The one ingest path behind every ingest adapter (HTTP, MQTT): given the device a message came from (already
 * authenticated or checked by the adapter), its decoded envelope and its body as sent, check the size, the
 * plausibility of its window and its {@code messageId}, decode and validate the body, and record it
 * ({@link IngestService}). Adapters differ only in how they read the envelope and how they answer.
 */
@ApplicationScoped
public class MessageIntake {

    /** The binding a message came by: errors name its fields as that binding spells them. */
    public enum Binding {
        HTTP(HttpHeaderCodec.MESSAGE_ID), MQTT(MqttTopicCodec.SYSTEM_MESSAGE_ID),
        /** Kafka record headers are named as on HTTP. */
        KAFKA(HttpHeaderCodec.MESSAGE_ID), EVENTHUBS(EventHubsEvents.MESSAGE_ID);

        final String messageIdField;

        Binding(String messageIdField) {
            this.messageIdField = messageIdField;
        }
    }

    /** What an adapter answers for one message. */
    public sealed interface Verdict {
    }

    /** Committed (recorded, duplicate or discarded): acknowledge it. */
    public record Accepted(IngestResult result) implements Verdict {
    }

    /** Can never be ingested as sent: nothing was stored; {@code field} and {@code value} say what is wrong. */
    public record Refused(String error, String field, String value) implements Verdict {
    }

    /** Could not be committed for a passing reason (the database): nothing was stored, the sender must retry. */
    public record RetryLater(String reason, RuntimeException cause) implements Verdict {
    }

    private final BackfillConfig config;
    private final Clock clock;
    private final IngestService ingest;

    public MessageIntake(BackfillConfig config, Clock clock, IngestService ingest) {
        this.config = config;
        this.clock = clock;
        this.ingest = ingest;
    }

    /**
     * Records one message; returns only after the commit.
     *
     * @throws ProtocolException or {@link Refusal} when the message can never be ingested (nothing is stored); any
     *         other exception when it could not be recorded now
     */
    public IngestResult ingest(Binding binding, String deviceId, Envelope envelope, byte[] body) {
        byte[] payload = body == null ? new byte[0] : body;
        requireSize(payload.length);
        int size = payload.length + envelope.propertiesSize();
        requireSize(size);
        MessageProperties p = envelope.properties();
        requirePlausible(p);
        String expectedId = p.messageId(deviceId);
        if (!expectedId.equals(envelope.messageId())) {
            throw new ProtocolException(binding.messageIdField, envelope.messageId(),
                    "does not match the message's properties (expected " + expectedId + ")");
        }
        List<BatchBody.Event> events = List.of();
        BackfillStatus status = null;
        if (p.messageType() == MessageType.BATCH) {
            events = BatchBody.decode(payload, p.contentEncoding(), p.indexKind(), p.window(), p.eventCount(),
                    config.maxDecodedBytes());
        } else {
            status = decodeStatus(payload, p);
        }
        return ingest.ingest(deviceId, envelope, events, status);
    }

    /** {@link #ingest}, with its outcome as a verdict for adapters that answer without exceptions. */
    public Verdict offer(Binding binding, String deviceId, Envelope envelope, byte[] body) {
        try {
            return new Accepted(ingest(binding, deviceId, envelope, body));
        } catch (RuntimeException e) {
            return verdict(e);
        }
    }

    /**
     * The verdict on a message whose handling threw {@code e}: a refusal of the message is for good; a database
     * fault passes; anything else is a bug, which must not lose the message either, so it is retried too.
     */
    public static Verdict verdict(RuntimeException e) {
        if (e instanceof ProtocolException p) {
            return new Refused(p.getMessage(), p.field(), p.value());
        }
        if (e instanceof Refusal r) {
            return new Refused(r.getMessage(), r.field(), r.value());
        }
        if (!DatabaseFaults.isDatabaseFault(e)) {
            Log.error("Unexpected ingest failure; the message will be retried", e);
        }
        return new RetryLater(e.toString(), e);
    }

    /** Refuses a message (body as sent plus properties) larger than {@code backfill.max-message-bytes}. */
    public void requireSize(int size) {
        if (size > config.maxMessageBytes()) {
            throw new Refusal(Refusal.Kind.TOO_LARGE, "the message is larger than " + config.maxMessageBytes()
                    + " bytes", "body", size + " bytes");
        }
    }

    private BackfillStatus decodeStatus(byte[] payload, MessageProperties p) {
        byte[] json = MessageProperties.GZIP.equals(p.contentEncoding())
                ? BatchBody.gunzip(payload, BackfillStatus.MAX_BODY_BYTES)
                : payload;
        BackfillStatus status = BackfillStatus.fromJson(json);
        if (!status.requestId().equals(p.backfillRequestId())) {
            throw new ProtocolException("body.requestId", status.requestId(),
                    "differs from the backfillRequestId property '" + p.backfillRequestId() + "'");
        }
        if (!status.batchId().equals(p.batchId())) {
            throw new ProtocolException("body.batchId", status.batchId(),
                    "differs from the batchId property '" + p.batchId() + "'");
        }
        if (!status.window(p.indexKind()).equals(p.window())) {
            throw new ProtocolException("body." + PropertyNames.START_WINDOW, status.startWindow(),
                    "the body's window differs from the startWindow/endWindow properties");
        }
        return status;
    }

    /**
     * A time window may not end more than {@code backfill.ingest.max-future} ahead of the service's clock: such a
     * window would move the stream's end (and its gaps) far past anything a source can have delivered.
     */
    private void requirePlausible(MessageProperties p) {
        if (Plausibility.endsTooFarAhead(p.indexKind(), p.window(), clock.millis(), config.ingest().maxFuture()
                .toMillis())) {
            throw new ProtocolException(PropertyNames.END_WINDOW, p.indexKind().format(p.window().end()),
                    "lies more than " + config.ingest().maxFuture() + " ahead of the service's clock"
                            + " (backfill.ingest.max-future)");
        }
    }
}
