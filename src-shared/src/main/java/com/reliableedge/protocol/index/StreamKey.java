package com.reliableedge.protocol.index;

/**
 * A stream's key: the device and the stream name. On the wire the stream name is the {@code batchId} property;
 * in code it is {@code streamId}.
 */
public record StreamKey(String deviceId, String streamId) {

    public StreamKey {
        Identifiers.require("deviceId", deviceId);
        Identifiers.require("batchId", streamId);
    }

    @Override
    public String toString() {
        return deviceId + "/" + streamId;
    }
}
