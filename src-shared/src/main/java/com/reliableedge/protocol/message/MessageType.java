package com.reliableedge.protocol.message;

import com.reliableedge.protocol.ProtocolException;

/** The {@code messageType} property: a batch of events, or the outcome of a backfill request. */
public enum MessageType {
    BATCH("batch"), BACKFILL_STATUS("backfillStatus");

    private final String wireName;

    MessageType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static MessageType fromWire(String value) {
        if (value == null) {
            throw ProtocolException.missing(PropertyNames.MESSAGE_TYPE);
        }
        for (MessageType type : values()) {
            if (type.wireName.equals(value)) {
                return type;
            }
        }
        throw new ProtocolException(PropertyNames.MESSAGE_TYPE, value, "must be 'batch' or 'backfillStatus'");
    }
}
