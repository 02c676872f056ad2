package com.reliableedge.cloud.coverage;

import java.time.Instant;
import java.util.List;

import com.reliableedge.protocol.index.Window;

/**
 * What to write after a stream's gaps were recomputed.
 *
 * @param inserted new gap rows: each interval with the {@code observedAt} it inherits, or now
 * @param replaced rows whose interval changed (shrunk, split or grown): deleted, their successors are inserted
 * @param closed rows that vanished because coverage now holds them (repaired)
 * @param lost rows that vanished because (part of) them was recorded lost, or fell below retention
 * @param opened how many of the inserted intervals are new gaps rather than pieces of earlier ones
 */
public record GapChanges(List<NewGap> inserted, List<OpenGap> replaced, List<OpenGap> closed, List<OpenGap> lost,
        int opened) {

    /** A gap row to insert. */
    public record NewGap(Window interval, Instant observedAt) {
    }

    public boolean isEmpty() {
        return inserted.isEmpty() && replaced.isEmpty() && closed.isEmpty() && lost.isEmpty();
    }

    /** The number of gaps after applying the changes, given how many were open before. */
    public int openAfter(int openBefore) {
        return openBefore - replaced.size() - closed.size() - lost.size() + inserted.size();
    }
}
