package com.reliableedge.edge.backfill;

import com.reliableedge.edge.upstream.MethodHandler;
import com.reliableedge.edge.upstream.MethodReply;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

import io.quarkus.logging.Log;

/**
 * The relay's one method handler, whatever transport carried the call: {@code backfill} goes to the service, which
 * validates it and records it durably before it answers 202 (then the worker is woken); any other name is refused (400).
 */
public class BackfillMethodHandler implements MethodHandler {

    private final BackfillService service;
    private final BackfillWorker worker;

    public BackfillMethodHandler(BackfillService service, BackfillWorker worker) {
        this.service = service;
        this.worker = worker;
    }

    @Override
    public MethodReply handle(String methodName, byte[] payload) {
        if (!BackfillRequest.METHOD_NAME.equals(methodName)) {
            // The name is not echoed: it came from the wire.
            return MethodReply.of(new BackfillResponse(null, BackfillResponse.Result.REJECTED,
                    "this relay serves only the 'backfill' method"));
        }
        BackfillResponse answer = service.accept(payload == null ? new byte[0] : payload);
        if (answer.result() == BackfillResponse.Result.ACCEPTED) {
            worker.wake();
        } else {
            Log.infof("Backfill call answered %d: %s", answer.status(), answer.message());
        }
        return MethodReply.of(answer);
    }
}
