package com.reliableedge.edge.upstream;

import java.util.Arrays;

import com.reliableedge.protocol.method.BackfillResponse;

/**
 * A method call's answer: the status of PROTOCOL.md section 5 and its JSON payload, which a transport carries back
 * unchanged (the HTTP response, the MQTT {@code methods/res/{status}} publish, the SDK's method response).
 */
public record MethodReply(int status, byte[] payload) {

    public MethodReply {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not a status code");
        }
        payload = payload == null ? new byte[0] : payload.clone();
    }

    public static MethodReply of(BackfillResponse response) {
        return new MethodReply(response.status(), response.toJson());
    }

    /** The answer while the relay cannot serve methods yet (starting) or any more (stopping): retry later. */
    public static MethodReply notServing() {
        return of(new BackfillResponse(null, BackfillResponse.Result.BUSY, "the relay is not serving methods now"));
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MethodReply r && r.status == status && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * status + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "MethodReply[" + status + ", " + payload.length + " bytes]";
    }
}
