package com.reliableedge.cloud.request;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.reliableedge.cloud.invoker.MethodResult;
import com.reliableedge.cloud.store.RequestState;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;

/** The request state machine's decisions (PROTOCOL.md section 6), as pure functions of their inputs. */
public final class RequestDecisions {

    /**
     * The active states: an active request blocks new requests for its window and counts against
     * {@code backfill.max-active-requests-per-stream}; deleting a device fails its active requests.
     */
    public static final List<RequestState> ACTIVE = List.of(RequestState.PENDING, RequestState.REQUESTED);

    /**
     * The states whose windows automatic planning leaves alone: the active ones, and FAILED ones, which only an
     * operator asks for again.
     */
    public static final List<RequestState> BLOCKING = List.of(RequestState.PENDING, RequestState.REQUESTED,
            RequestState.FAILED);

    private RequestDecisions() {
    }

    /** Whether a request in {@code state} is active ({@link #ACTIVE}). */
    public static boolean isActive(RequestState state) {
        return ACTIVE.contains(state);
    }

    /**
     * Whether a request may be claimed for sending at {@code now}: PENDING, due, not leased by a sender, and its
     * stream not stalled.
     */
    public static boolean isSendable(RequestState state, Instant leaseUntil, Instant nextAttemptAt, boolean stalled,
            Instant now) {
        return state == RequestState.PENDING && (leaseUntil == null || !leaseUntil.isAfter(now))
                && (nextAttemptAt == null || !nextAttemptAt.isAfter(now)) && !stalled;
    }

    /**
     * The expiry of an accepted request after one of its backfill batches arrived at {@code now}: pushed to
     * {@code now + expiry}, never earlier than it was.
     */
    public static Instant pushedExpiry(Instant expiresAt, Instant now, Duration expiry) {
        Instant pushed = now.plus(expiry);
        return expiresAt == null || pushed.isAfter(expiresAt) ? pushed : expiresAt;
    }

    /** What the answer to a sent request does to it (PROTOCOL.md section 5's table). */
    public sealed interface SendOutcome {
    }

    /**
     * 202: the request is REQUESTED until {@code expiresAt}; its retry message becomes visible after
     * {@code retryVisibleIn}, at the expiry. Its backoff is reset.
     */
    public record Accepted(Instant expiresAt, Duration retryVisibleIn) implements SendOutcome {
    }

    /** 400 or 404: the edge will never serve it; the request is FAILED with {@code reason}. */
    public record Refused(String reason) implements SendOutcome {
    }

    /**
     * No answer, 503 or another status: the request stays PENDING and is sent again at {@code nextAttemptAt}, after
     * {@code delay}; the attempt is not used up.
     */
    public record Backoff(Duration delay, Instant nextAttemptAt, String reason) implements SendOutcome {
    }

    /**
     * What {@code result} does to the request that was sent.
     *
     * @param previousDelay the request's backoff so far, null before the first offline or busy answer
     * @param expiry {@code backfill.expiry}, also the cap of the backoff
     * @param retryBackoff {@code backfill.retry-backoff}, the first delay
     */
    public static SendOutcome afterSend(MethodResult result, Duration previousDelay, Instant now, Duration expiry,
            Duration retryBackoff) {
        if (result.accepted()) {
            return new Accepted(now.plus(expiry), expiry);
        }
        if (result.refused()) {
            String message = result.response() == null || result.response().message() == null
                    ? ""
                    : ": " + result.response().message();
            return new Refused("edge answered " + result.status() + message);
        }
        Duration delay = nextBackoff(previousDelay, retryBackoff, expiry);
        return new Backoff(delay, now.plus(delay),
                (result.answered() ? "edge busy or failing: " : "no answer: ") + result.detail());
    }

    /** What becomes of a request whose retry message became visible, or all of whose statuses arrived. */
    public sealed interface Outcome {
    }

    /** Nothing of the window is missing. */
    public record Completed() implements Outcome {
    }

    /** What is missing was all recorded lost. */
    public record Unrecoverable() implements Outcome {
    }

    /** Each remaining interval becomes a new request with {@code attempt + 1}. */
    public record Retry(List<Window> remaining) implements Outcome {
    }

    /** Something remains but the accepted attempts are used up. */
    public record Failed(List<Window> remaining) implements Outcome {
    }

    /**
     * What is still missing of {@code window}: the window minus coverage, and minus the lost windows unless an
     * operator asked for it.
     */
    public static List<Window> remaining(Window window, IntervalSet coverage, IntervalSet lost,
            boolean operatorRequest) {
        List<Window> missing = coverage.gaps(window);
        if (operatorRequest) {
            return missing;
        }
        List<Window> remaining = new ArrayList<>();
        for (Window hole : missing) {
            remaining.addAll(lost.gaps(hole));
        }
        return remaining;
    }

    /** Remaining = window minus coverage (and lost): empty completes; else retry, or fail past max attempts. */
    public static Outcome evaluate(Window window, IntervalSet coverage, IntervalSet lost, boolean operatorRequest,
            int attempt, int maxAttempts) {
        List<Window> remaining = remaining(window, coverage, lost, operatorRequest);
        if (remaining.isEmpty()) {
            return coverage.containsAll(window) ? new Completed() : new Unrecoverable();
        }
        return attempt >= maxAttempts ? new Failed(remaining) : new Retry(remaining);
    }

    /**
     * Whether every part of the window is accounted for: covered, lost, or reported in a {@code backfillStatus}.
     * Until then a status only records what it says; the rest of the statuses (or the expiry) decide.
     */
    public static boolean fullyReported(Window window, IntervalSet coverage, IntervalSet lost, IntervalSet reported) {
        for (Window hole : coverage.gaps(window)) {
            for (Window piece : lost.gaps(hole)) {
                if (!reported.containsAll(piece)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The window to send after recomputing it against coverage before a send: the hull of what remains (a single
     * method call asks for one window), or empty when nothing remains.
     */
    public static Optional<Window> windowToSend(List<Window> remaining) {
        if (remaining.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Window(remaining.get(0).start(), remaining.get(remaining.size() - 1)
                .end()));
    }

    /**
     * The windows of the new requests for what remains of a request: one per remaining interval, but never more
     * than {@code max}; beyond that, runs of consecutive intervals are joined into their hull (the dispatcher sends
     * the hull of what remains anyway, and the edge serves a covered part again harmlessly). So a request whose
     * window coverage fragmented into many pieces still leads to a bounded number of rows.
     */
    public static List<Window> joinRemainder(List<Window> remaining, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        if (remaining.size() <= max) {
            return remaining;
        }
        int per = (remaining.size() + max - 1) / max;
        List<Window> joined = new ArrayList<>(max);
        for (int i = 0; i < remaining.size(); i += per) {
            int last = Math.min(remaining.size(), i + per) - 1;
            joined.add(new Window(remaining.get(i).start(), remaining.get(last).end()));
        }
        return joined;
    }

    /** A short description of what remains, for a reason: the first few intervals and how many there are. */
    public static String describe(List<Window> remaining) {
        int shown = Math.min(3, remaining.size());
        String head = remaining.subList(0, shown).toString();
        return remaining.size() <= shown ? head : head + " and " + (remaining.size() - shown) + " more";
    }

    /**
     * The next delay after an offline or busy edge: {@code base} first, then doubling, never past {@code cap} (the
     * expiry). Attempts are not used up by this.
     */
    public static Duration nextBackoff(Duration previous, Duration base, Duration cap) {
        Duration next = previous == null || previous.compareTo(base) < 0 ? base : previous.multipliedBy(2);
        return next.compareTo(cap) > 0 ? cap : next;
    }
}
