package com.reliableedge.cloud.invoker;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.method.BackfillResponse;

import io.quarkus.logging.Log;

/** Reads a device's answer payload; an unreadable one leaves the status standing with no payload. */
final class MethodPayloads {

    private MethodPayloads() {
    }

    static BackfillResponse read(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return BackfillResponse.fromJson(body);
        } catch (ProtocolException e) {
            Log.debugf("unreadable method response payload: %s", e.getMessage());
            return null;
        }
    }
}
