package com.reliableedge.protocol.message;

/**
 * What a message is, from its properties (PROTOCOL.md section 2): the edge gives each class its own buffer lane, the
 * cloud records it with the batch. A {@code backfillStatus} message is a {@link #STATUS} whatever its other
 * properties say; a backfill batch is {@link #BACKFILL} even when it is also marked late.
 */
public enum MessageClass {
    LIVE, LATE, BACKFILL, STATUS;

    public static MessageClass of(MessageProperties p) {
        if (p.messageType() == MessageType.BACKFILL_STATUS) {
            return STATUS;
        }
        if (p.backfill()) {
            return BACKFILL;
        }
        return p.late() ? LATE : LIVE;
    }
}
