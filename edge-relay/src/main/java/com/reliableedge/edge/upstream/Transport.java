package com.reliableedge.edge.upstream;

import com.reliableedge.protocol.message.Envelope;

/**
 * One upstream binding (PROTOCOL.md section 7): delivers a message and says whether the cloud committed it.
 * <p>
 * Contract: {@link Outcome#ACKED} only when the receiver confirmed the message (HTTP 200/204, MQTT PUBACK, …);
 * {@link Outcome#REJECTED} when it refused this message for good (malformed, too large), so resending is pointless;
 * {@link Outcome#RETRY} for everything else (no answer, transport errors, server errors, authentication), after which
 * the same message may be sent again with the same id. Implementations are safe for concurrent {@code send}s.
 * <p>
 * A transport also carries direct method calls the other way: once {@link #serveMethods} is called it delivers every
 * call it receives to that one handler and carries the handler's reply back. Each binding has its contract test
 * ({@code TransportContractTest}, with a test peer per binding).
 */
public interface Transport extends AutoCloseable {

    /** What became of one send. */
    enum Outcome {
        ACKED, REJECTED, RETRY
    }

    /**
     * The outcome and, for logs, what the receiver said.
     *
     * @param reason for {@link Outcome#REJECTED}: a short label of why (the field the receiver named, or
     *        {@code tooLarge}, {@code malformed}), by which rejections are counted; {@code null} otherwise
     */
    record Result(Outcome outcome, String detail, String reason) {

        public Result(Outcome outcome, String detail) {
            this(outcome, detail, null);
        }
    }

    Result send(Envelope envelope, byte[] body);

    /**
     * From now on, delivers incoming method calls to {@code handler} and carries its replies back; before this call a
     * transport answers calls {@link MethodReply#notServing()} where it can answer at all. Called once, at startup,
     * after the backfill worker runs.
     */
    void serveMethods(MethodHandler handler);

    /** Whether the upstream answers at all right now (readiness); cheap and bounded in time. */
    boolean reachable();

    @Override
    default void close() {
    }
}
