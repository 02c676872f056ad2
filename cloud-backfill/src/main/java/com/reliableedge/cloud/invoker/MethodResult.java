package com.reliableedge.cloud.invoker;

import com.reliableedge.protocol.method.BackfillResponse;

/**
 * What came of a method call.
 *
 * @param status the device's status code, or 0 when it did not answer
 * @param response its payload when it could be read, else null
 * @param detail a few words for logs and the request's reason
 */
public record MethodResult(int status, BackfillResponse response, String detail) {

    public static final int NO_ANSWER = 0;

    public static MethodResult noAnswer(String detail) {
        return new MethodResult(NO_ANSWER, null, detail);
    }

    public boolean answered() {
        return status != NO_ANSWER;
    }

    /** 202: the edge durably recorded the request. */
    public boolean accepted() {
        return status == 202;
    }

    /** 400 or 404: the edge will never serve it. */
    public boolean refused() {
        return status == 400 || status == 404;
    }
}
