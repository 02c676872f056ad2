package com.reliableedge.protocol.message;

import static com.reliableedge.protocol.message.PropertyNames.BACKFILL_REQUEST_ID;
import static com.reliableedge.protocol.message.PropertyNames.BACKLOG_FROM;
import static com.reliableedge.protocol.message.PropertyNames.BATCH_ID;
import static com.reliableedge.protocol.message.PropertyNames.CONTENT_ENCODING;
import static com.reliableedge.protocol.message.PropertyNames.END_WINDOW;
import static com.reliableedge.protocol.message.PropertyNames.EVENT_COUNT;
import static com.reliableedge.protocol.message.PropertyNames.INDEX_KIND;
import static com.reliableedge.protocol.message.PropertyNames.IS_BACKFILL;
import static com.reliableedge.protocol.message.PropertyNames.IS_LATE;
import static com.reliableedge.protocol.message.PropertyNames.LATE_SEQ;
import static com.reliableedge.protocol.message.PropertyNames.MESSAGE_TYPE;
import static com.reliableedge.protocol.message.PropertyNames.PROTOCOL_VERSION;
import static com.reliableedge.protocol.message.PropertyNames.SEQ;
import static com.reliableedge.protocol.message.PropertyNames.START_WINDOW;
import static com.reliableedge.protocol.message.PropertyNames.STREAM_ORIGIN;

import java.util.LinkedHashMap;
import java.util.Map;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * The properties of one upstream message (PROTOCOL.md section 2): what it is, which stream and window it covers,
 * and how its body is encoded. The compact constructor enforces every rule of the table, so an instance is always
 * a message a conforming reader accepts:
 * <ul>
 * <li>a {@link MessageType#BATCH batch} has an {@code eventCount}; a live one (neither backfill nor late) has
 * {@code seq >= 1} and {@code streamOrigin <= startWindow}, and only live batches carry {@code seq},
 * {@code streamOrigin} and {@code backlogFrom};</li>
 * <li>a backfill batch names its {@code backfillRequestId}; a late batch has {@code lateSeq >= 1}; a batch is
 * never both;</li>
 * <li>a {@link MessageType#BACKFILL_STATUS backfillStatus} message names its request in {@code backfillRequestId}
 * (the protocol leaves the property open; we carry the request id there, as backfill batches do) and has no
 * {@code eventCount}.</li>
 * </ul>
 *
 * @param contentEncoding {@code null} for plain JSON, or {@code gzip}
 */
public record MessageProperties(
        String batchId,
        IndexKind indexKind,
        Window window,
        MessageType messageType,
        Integer eventCount,
        boolean backfill,
        String backfillRequestId,
        Long seq,
        Long streamOrigin,
        Long backlogFrom,
        boolean late,
        Long lateSeq,
        String contentEncoding) {

    public static final String PROTOCOL_VERSION_1 = "1";
    public static final String CONTENT_TYPE_JSON = "application/json";
    public static final String GZIP = "gzip";

    public MessageProperties {
        Identifiers.require(BATCH_ID, batchId);
        if (indexKind == null) {
            throw ProtocolException.missing(INDEX_KIND);
        }
        if (window == null) {
            throw ProtocolException.missing(START_WINDOW);
        }
        if (messageType == null) {
            throw ProtocolException.missing(MESSAGE_TYPE);
        }
        // Both ends must be writable in the index kind's wire form.
        indexKind.format(window.start());
        indexKind.format(window.end());
        if (contentEncoding != null && !GZIP.equals(contentEncoding)) {
            throw new ProtocolException(CONTENT_ENCODING, contentEncoding, "must be 'gzip' or absent");
        }
        if (messageType == MessageType.BATCH) {
            if (eventCount == null) {
                throw ProtocolException.missing(EVENT_COUNT);
            }
            if (eventCount < 0) {
                throw new ProtocolException(EVENT_COUNT, eventCount.toString(), "must not be negative");
            }
            if (backfill && late) {
                throw new ProtocolException(IS_LATE, "true", "cannot be combined with isBackfill=true");
            }
        } else {
            forbid(EVENT_COUNT, eventCount, "is only for batches");
            forbid(IS_BACKFILL, backfill ? "true" : null, "is only for batches");
            forbid(IS_LATE, late ? "true" : null, "is only for batches");
        }
        boolean needsRequestId = backfill || messageType == MessageType.BACKFILL_STATUS;
        if (needsRequestId) {
            Identifiers.require(BACKFILL_REQUEST_ID, backfillRequestId);
        } else {
            forbid(BACKFILL_REQUEST_ID, backfillRequestId, "is only for backfill batches and backfillStatus");
        }
        if (late) {
            if (lateSeq == null) {
                throw ProtocolException.missing(LATE_SEQ);
            }
            requirePositive(LATE_SEQ, lateSeq);
        } else {
            forbid(LATE_SEQ, lateSeq, "is only for late batches");
        }
        boolean live = messageType == MessageType.BATCH && !backfill && !late;
        if (live) {
            if (seq == null) {
                throw ProtocolException.missing(SEQ);
            }
            requirePositive(SEQ, seq);
            if (streamOrigin == null) {
                throw ProtocolException.missing(STREAM_ORIGIN);
            }
            indexKind.format(streamOrigin);
            if (streamOrigin > window.start()) {
                throw new ProtocolException(STREAM_ORIGIN, indexKind.format(streamOrigin),
                        "must not be after startWindow");
            }
            if (backlogFrom != null) {
                indexKind.format(backlogFrom);
            }
        } else {
            forbid(SEQ, seq, "is only for live batches");
            forbid(STREAM_ORIGIN, streamOrigin, "is only for live batches");
            forbid(BACKLOG_FROM, backlogFrom, "is only for live batches");
        }
    }

    /** A live batch as the aggregator seals it. */
    public static MessageProperties live(String batchId, IndexKind kind, Window window, int eventCount, long seq,
            long streamOrigin) {
        return new MessageProperties(batchId, kind, window, MessageType.BATCH, eventCount, false, null, seq,
                streamOrigin, null, false, null, null);
    }

    /** A batch that answers a backfill request. */
    public static MessageProperties backfill(String batchId, IndexKind kind, Window window, int eventCount,
            String requestId) {
        return new MessageProperties(batchId, kind, window, MessageType.BATCH, eventCount, true, requestId, null, null,
                null, false, null, null);
    }

    /** The late events of one sealed window (PROTOCOL.md section 4). */
    public static MessageProperties late(String batchId, IndexKind kind, Window window, int eventCount, long lateSeq) {
        return new MessageProperties(batchId, kind, window, MessageType.BATCH, eventCount, false, null, null, null,
                null,
                true, lateSeq, null);
    }

    /** The outcome of one sub-range of a backfill request. */
    public static MessageProperties backfillStatus(String batchId, IndexKind kind, Window window, String requestId) {
        return new MessageProperties(batchId, kind, window, MessageType.BACKFILL_STATUS, null, false, requestId, null,
                null, null, false, null, null);
    }

    /** The same properties with {@code backlogFrom} set (live batches only). */
    public MessageProperties withBacklogFrom(Long from) {
        return new MessageProperties(batchId, indexKind, window, messageType, eventCount, backfill, backfillRequestId,
                seq, streamOrigin, from, late, lateSeq, contentEncoding);
    }

    /** The same properties with the body's content encoding ({@code null} or {@code gzip}). */
    public MessageProperties withContentEncoding(String encoding) {
        return new MessageProperties(batchId, indexKind, window, messageType, eventCount, backfill, backfillRequestId,
                seq, streamOrigin, backlogFrom, late, lateSeq, encoding);
    }

    /** Whether this is a live batch: part of E1's contiguity, carrying {@code seq}. */
    public boolean isLive() {
        return messageType == MessageType.BATCH && !backfill && !late;
    }

    /** The {@code messageId} of this message sent by {@code deviceId}: the same for every resend. */
    public String messageId(String deviceId) {
        String discriminator = switch (messageType) {
            case BACKFILL_STATUS -> backfillRequestId;
            case BATCH -> late ? Long.toString(lateSeq) : "";
        };
        return MessageIds.of(deviceId, batchId, messageType, window.startWire(indexKind), window.endWire(indexKind),
                backfill, late, discriminator);
    }

    /** The application properties in wire form, in a fixed order; absent booleans are left out. */
    public Map<String, String> toApplicationProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(BATCH_ID, batchId);
        p.put(START_WINDOW, window.startWire(indexKind));
        p.put(END_WINDOW, window.endWire(indexKind));
        p.put(INDEX_KIND, indexKind.wireName());
        p.put(MESSAGE_TYPE, messageType.wireName());
        p.put(PROTOCOL_VERSION, PROTOCOL_VERSION_1);
        if (messageType == MessageType.BATCH) {
            p.put(EVENT_COUNT, eventCount.toString());
            p.put(IS_BACKFILL, Boolean.toString(backfill));
        }
        putIfPresent(p, BACKFILL_REQUEST_ID, backfillRequestId);
        putIfPresent(p, SEQ, seq == null ? null : seq.toString());
        putIfPresent(p, STREAM_ORIGIN, streamOrigin == null ? null : indexKind.format(streamOrigin));
        putIfPresent(p, BACKLOG_FROM, backlogFrom == null ? null : indexKind.format(backlogFrom));
        if (late) {
            p.put(IS_LATE, "true");
            p.put(LATE_SEQ, lateSeq.toString());
        }
        return p;
    }

    /**
     * Parses and validates application properties as received; unknown properties are ignored, so later protocol
     * versions can add some.
     *
     * @param contentEncoding the {@code contentEncoding} system property, {@code null} when absent
     * @throws ProtocolException naming the first missing or malformed property and its value
     */
    public static MessageProperties parse(Map<String, String> properties, String contentEncoding) {
        String version = properties.get(PROTOCOL_VERSION);
        if (version == null) {
            throw ProtocolException.missing(PROTOCOL_VERSION);
        }
        if (!PROTOCOL_VERSION_1.equals(version)) {
            throw new ProtocolException(PROTOCOL_VERSION, version, "is not supported (this reader speaks version 1)");
        }
        String batchId = Identifiers.require(BATCH_ID, properties.get(BATCH_ID));
        IndexKind kind = IndexKind.fromWire(INDEX_KIND, properties.get(INDEX_KIND));
        Window window = Window.parse(kind, properties.get(START_WINDOW), properties.get(END_WINDOW));
        MessageType type = MessageType.fromWire(properties.get(MESSAGE_TYPE));
        String encoding = contentEncoding == null || contentEncoding.isEmpty() ? null : contentEncoding;
        return new MessageProperties(batchId, kind, window, type, optionalCount(properties.get(EVENT_COUNT)),
                parseBoolean(IS_BACKFILL, properties.get(IS_BACKFILL)), properties.get(BACKFILL_REQUEST_ID),
                optionalLong(SEQ, properties.get(SEQ)),
                optionalIndex(kind, STREAM_ORIGIN, properties.get(STREAM_ORIGIN)),
                optionalIndex(kind, BACKLOG_FROM, properties.get(BACKLOG_FROM)),
                parseBoolean(IS_LATE, properties.get(IS_LATE)), optionalLong(LATE_SEQ, properties.get(LATE_SEQ)),
                encoding);
    }

    /** Booleans are {@code true} or {@code false}; absent means false. */
    static boolean parseBoolean(String field, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new ProtocolException(field, value, "must be 'true' or 'false'");
    }

    private static Integer optionalCount(String value) {
        if (value == null) {
            return null;
        }
        long count = IndexKind.SEQUENCE.parse(EVENT_COUNT, value);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new ProtocolException(EVENT_COUNT, value, "must be between 0 and " + Integer.MAX_VALUE);
        }
        return (int) count;
    }

    private static Long optionalLong(String field, String value) {
        return value == null ? null : IndexKind.SEQUENCE.parse(field, value);
    }

    private static Long optionalIndex(IndexKind kind, String field, String value) {
        return value == null ? null : kind.parse(field, value);
    }

    private static void requirePositive(String field, long value) {
        if (value < 1) {
            throw new ProtocolException(field, Long.toString(value), "must be at least 1");
        }
    }

    private static void forbid(String field, Object value, String why) {
        if (value != null) {
            throw new ProtocolException(field, value.toString(), why);
        }
    }

    private static void putIfPresent(Map<String, String> p, String name, String value) {
        if (value != null) {
            p.put(name, value);
        }
    }
}
