package com.reliableedge.edge.source.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The live poll window: its end never falls below the watermark, and every row that commits within the lag (of its
 * index for time, of a higher head being seen for sequence) lies at or above the watermark when it commits.
 */
class PollWindowPropertiesTest {

    @Property
    void timeWindowsNeverMoveBackAndLeaveTheLagUnread(@ForAll long watermark, @ForAll long now,
            @ForAll @LongRange(min = 0, max = 1L << 40) long lag) {
        long end = PollWindow.timeEnd(watermark, now, lag);
        assertThat(end).isGreaterThanOrEqualTo(watermark);
        if (end > watermark) {
            // It only ever reads what is at least lag old.
            assertThat(end).isLessThanOrEqualTo(now - lag);
        }
    }

    /** A time row committed at most lag after its index is never below a watermark of a poll before its commit. */
    @Property
    void aTimeRowWithinTheLagIsNeverBelowTheWatermarkBeforeItCommits(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 500) Integer> steps,
            @ForAll @IntRange(min = 0, max = 2_000) int lag, @ForAll @IntRange(min = 0, max = 10_000) int index,
            @ForAll @IntRange(min = 0, max = 2_000) int commitDelay) {
        long commitAt = (long) index + Math.min(commitDelay, lag);
        long now = 0;
        long w = Long.MIN_VALUE;
        for (int step : steps) {
            if (now < commitAt) {
                w = PollWindow.timeEnd(w, now, lag);
            }
            now += step;
        }
        // So the first poll after the commit still reads it: [W, ...) contains its index.
        assertThat(w).isLessThanOrEqualTo(index);
    }

    @Property
    void sequenceHeadsSettleOnlyAfterTheLagAndNeverMoveBack(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 300) Integer> steps,
            @ForAll @Size(min = 40, max = 40) List<@IntRange(min = -5, max = 20) Integer> growth,
            @ForAll @IntRange(min = 0, max = 1_000) int lag) {
        PollWindow.Heads heads = new PollWindow.Heads();
        List<long[]> seen = new ArrayList<>();
        long now = 0;
        long head = 100;
        long w = 100;
        heads.observe(now, head);
        seen.add(new long[]{now, head});
        for (int i = 0; i < steps.size(); i++) {
            now += steps.get(i);
            head += growth.get(i);
            heads.observe(now, head);
            seen.add(new long[]{now, head});
            long settled = heads.settled(now, lag);
            long end = PollWindow.sequenceEnd(w, settled);
            assertThat(end).isGreaterThanOrEqualTo(w);
            // The settled head is the highest one observed at least lag ago.
            long cut = now - lag;
            long expected = seen.stream().filter(s -> s[0] <= cut).mapToLong(s -> s[1]).max().orElse(Long.MIN_VALUE);
            assertThat(settled).isEqualTo(expected);
            w = end;
        }
    }
}
