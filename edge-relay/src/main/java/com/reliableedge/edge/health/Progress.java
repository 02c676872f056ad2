package com.reliableedge.edge.health;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import com.reliableedge.edge.aggregate.IngestLoop;
import com.reliableedge.edge.backfill.BackfillWorker;
import com.reliableedge.edge.upstream.Sender;

/**
 * Liveness as a pure decision: the relay makes progress while each of its loops runs and comes back when it said it
 * would. A loop that waits for a known reason (nothing to send, an upstream backoff, the rate budget, the next poll)
 * says so in its due time, so waiting is never a stall; a loop whose thread died, or that is overdue by more than the
 * grace, is.
 */
public final class Progress {

    private Progress() {
    }

    /**
     * One loop's heartbeat.
     *
     * @param alive whether its thread still runs
     * @param dueNanos when it is due back, on the monotonic clock; empty when it owes nothing
     */
    public record Beat(String loop, boolean alive, OptionalLong dueNanos) {

        public Beat(String loop, boolean alive, long dueNanos) {
            this(loop, alive, OptionalLong.of(dueNanos));
        }
    }

    /** What stops progress at {@code nowNanos}: each loop that is dead or overdue by more than {@code graceNanos}. */
    public static List<String> stalled(long nowNanos, long graceNanos, List<Beat> beats) {
        List<String> out = new ArrayList<>();
        for (Beat b : beats) {
            if (!b.alive()) {
                out.add(b.loop() + " is dead");
            } else if (b.dueNanos().isPresent() && nowNanos - b.dueNanos().getAsLong() > graceNanos) {
                out.add(b.loop() + " is " + (nowNanos - b.dueNanos().getAsLong()) / 1_000_000 + " ms overdue");
            }
        }
        return out;
    }

    /**
     * The heartbeats of the relay's loops: the ingest loop, the sender's dispatcher, its oldest send in flight
     * (due {@code sendLimitNanos} after it started) and the backfill worker (alive only: a history read may be slow).
     */
    public static List<Beat> beats(IngestLoop ingest, Sender sender, BackfillWorker backfill, long sendLimitNanos) {
        List<Beat> beats = new ArrayList<>();
        if (ingest != null) {
            beats.add(new Beat("ingest", ingest.alive(), ingest.nextPassDueNanos()));
        }
        if (sender != null) {
            beats.add(new Beat("sender", sender.alive(), sender.nextPassDueNanos()));
            OptionalLong oldest = sender.oldestSendStartNanos();
            // Only a send in flight owes an answer.
            OptionalLong sendDue = oldest.isPresent()
                    ? OptionalLong.of(oldest.getAsLong() + sendLimitNanos)
                    : OptionalLong.empty();
            beats.add(new Beat("send", true, sendDue));
        }
        if (backfill != null) {
            beats.add(new Beat("backfill", backfill.alive(), OptionalLong.empty()));
        }
        return beats;
    }
}
