package com.reliableedge.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.aggregate.SealPolicy.Action;
import com.reliableedge.edge.aggregate.SealPolicy.Decision;
import com.reliableedge.edge.aggregate.SealPolicy.Input;
import com.reliableedge.edge.aggregate.SealPolicy.Reason;

class SealPolicyTest {

    private static final long MS = 1_000_000L;
    private static final SealLimits LIMITS = new SealLimits(262_144, 100, 60_000, 1_000 * MS, 30_000 * MS);

    private static Input window(long cursor, long watermark, int events, long bytes, long oldest, long lastSeal,
            boolean lost) {
        return new Input(cursor, watermark, events, bytes, oldest, lastSeal, lost, 0, 0, 200_000);
    }

    @Test
    void waitsForLingerAndSaysWhenToAskAgain() {
        Decision d = SealPolicy.decide(window(0, 500, 3, 300, 10 * MS, 0, false), LIMITS, 400 * MS);
        assertThat(d.action()).isEqualTo(Action.NONE);
        assertThat(d.nextDeadlineNanos()).isEqualTo(1_010 * MS);
        Decision later = SealPolicy.decide(window(0, 500, 3, 300, 10 * MS, 0, false), LIMITS, 1_010 * MS);
        assertThat(later.action()).isEqualTo(Action.SEAL_ALL);
        assertThat(later.reason()).isEqualTo(Reason.LINGER);
    }

    @Test
    void sealsAnEmptyWindowOnHeartbeatOnlyWhenTheWatermarkMoved() {
        assertThat(SealPolicy.decide(window(0, 500, 0, 0, 0, 0, false), LIMITS, 29_999 * MS).nextDeadlineNanos())
                .isEqualTo(30_000 * MS);
        Decision due = SealPolicy.decide(window(0, 500, 0, 0, 0, 0, false), LIMITS, 30_000 * MS);
        assertThat(due.action()).isEqualTo(Action.SEAL_ALL);
        assertThat(due.reason()).isEqualTo(Reason.HEARTBEAT);
        assertThat(SealPolicy.decide(window(500, 500, 0, 0, 0, 0, false), LIMITS, 90_000 * MS).action()).isEqualTo(
                Action.NONE);
    }

    @Test
    void sealsFullBatchesBySizeCountAndSpan() {
        assertThat(SealPolicy.decide(window(0, 500, 101, 1000, 0, 0, false), LIMITS, 1).reason()).isEqualTo(
                Reason.COUNT);
        assertThat(SealPolicy.decide(window(0, 500, 10, 200_000, 0, 0, false), LIMITS, 1).reason()).isEqualTo(
                Reason.SIZE);
        Decision span = SealPolicy.decide(window(0, 60_001, 1, 10, 0, 0, false), LIMITS, 1);
        assertThat(span.action()).isEqualTo(Action.SEAL_FULL);
        assertThat(span.reason()).isEqualTo(Reason.SPAN);
    }

    @Test
    void aLostFeedSealsAtTheLastWatermark() {
        Decision d = SealPolicy.decide(window(0, 500, 1, 10, 0, 0, true), LIMITS, 1);
        assertThat(d.action()).isEqualTo(Action.SEAL_ALL);
        assertThat(d.reason()).isEqualTo(Reason.DISCONTINUITY);
    }

    @Test
    void timersSurviveNanoTimeOverflow() {
        long oldest = Long.MAX_VALUE - 500 * MS;
        long now = oldest + 1_000 * MS; // wraps to negative
        Decision d = SealPolicy.decide(window(0, 500, 1, 10, oldest, oldest, false), LIMITS, now);
        assertThat(d.reason()).isEqualTo(Reason.LINGER);
    }
}
