package com.reliableedge.cloud.coverage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;

/**
 * Turns freshly computed gap intervals into row changes against the stored open gaps. A gap keeps its row while its
 * interval is unchanged; a gap that shrank, split or grew is replaced by rows that inherit the earliest
 * {@code observedAt} of the gaps they overlap, so a partially filled gap does not restart its detection delay; an
 * interval that overlaps no stored gap is a new gap, observed now. Pure.
 */
public final class GapReconciler {

    private GapReconciler() {
    }

    /**
     * @param stored the stream's open gaps, any order
     * @param current the gaps as computed now ({@link GapRules#gaps}), in order, disjoint
     * @param coverage the coverage now, telling a repaired gap from a lost one
     */
    public static GapChanges reconcile(List<OpenGap> stored, List<Window> current, IntervalSet coverage,
            Instant now) {
        List<GapChanges.NewGap> inserted = new ArrayList<>();
        List<OpenGap> replaced = new ArrayList<>();
        List<OpenGap> closed = new ArrayList<>();
        List<OpenGap> lost = new ArrayList<>();
        boolean[] kept = new boolean[stored.size()];
        boolean[] touched = new boolean[stored.size()];
        int opened = 0;
        for (Window gap : current) {
            Instant observedAt = null;
            int overlapping = 0;
            int exact = -1;
            for (int i = 0; i < stored.size(); i++) {
                Window old = stored.get(i).interval();
                if (old.start() < gap.end() && gap.start() < old.end()) {
                    overlapping++;
                    touched[i] = true;
                    Instant seen = stored.get(i).observedAt();
                    observedAt = observedAt == null || seen.isBefore(observedAt) ? seen : observedAt;
                    if (old.equals(gap)) {
                        exact = i;
                    }
                }
            }
            if (overlapping == 1 && exact >= 0) {
                kept[exact] = true;
            } else {
                inserted.add(new GapChanges.NewGap(gap, observedAt == null ? now : observedAt));
                if (observedAt == null) {
                    opened++;
                }
            }
        }
        for (int i = 0; i < stored.size(); i++) {
            OpenGap old = stored.get(i);
            if (kept[i]) {
                continue;
            }
            if (touched[i]) {
                replaced.add(old);
            } else if (coverage.containsAll(old.interval())) {
                closed.add(old);
            } else {
                lost.add(old);
            }
        }
        return new GapChanges(inserted, replaced, closed, lost, opened);
    }
}
