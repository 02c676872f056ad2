package com.reliableedge.cloud.store;

/** A device already has as many streams as it may have ({@code backfill.max-streams-per-device}). */
public class TooManyStreamsException extends RuntimeException {

    private final int limit;

    public TooManyStreamsException(String deviceId, int limit) {
        super("device " + deviceId + " has " + limit + " streams already, the most one device may have");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
