package com.reliableedge.protocol.message;

import java.util.List;

/** The names of the protocol's message properties, as written on the wire (PROTOCOL.md section 2). */
public final class PropertyNames {

    public static final String BATCH_ID = "batchId";
    public static final String START_WINDOW = "startWindow";
    public static final String END_WINDOW = "endWindow";
    public static final String INDEX_KIND = "indexKind";
    public static final String MESSAGE_TYPE = "messageType";
    public static final String PROTOCOL_VERSION = "protocolVersion";
    public static final String EVENT_COUNT = "eventCount";
    public static final String IS_BACKFILL = "isBackfill";
    public static final String BACKFILL_REQUEST_ID = "backfillRequestId";
    public static final String SEQ = "seq";
    public static final String STREAM_ORIGIN = "streamOrigin";
    public static final String BACKLOG_FROM = "backlogFrom";
    public static final String IS_LATE = "isLate";
    public static final String LATE_SEQ = "lateSeq";

    /** System properties. */
    public static final String MESSAGE_ID = "messageId";
    public static final String CONTENT_TYPE = "contentType";
    public static final String CONTENT_ENCODING = "contentEncoding";

    /** Every application property this protocol version defines, in the order writers emit them. */
    public static final List<String> APPLICATION = List.of(BATCH_ID, START_WINDOW, END_WINDOW, INDEX_KIND, MESSAGE_TYPE,
            PROTOCOL_VERSION, EVENT_COUNT, IS_BACKFILL, BACKFILL_REQUEST_ID, SEQ, STREAM_ORIGIN, BACKLOG_FROM, IS_LATE,
            LATE_SEQ);

    private PropertyNames() {
    }
}
