package com.reliableedge.edge.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The liveness decision: exactly the dead and the overdue loops stall it, wherever the monotonic clock stands. */
class ProgressPropertiesTest {

    @Property(tries = 500)
    void aLoopStallsExactlyWhenDeadOrOverdueByMoreThanTheGrace(@ForAll long now,
            @ForAll @LongRange(min = 0, max = 600_000_000_000L) long grace,
            @ForAll @Size(max = 6) List<@LongRange(min = -900_000_000_000L, max = 900_000_000_000L) Long> offsets,
            @ForAll @Size(max = 6) List<Boolean> dead) {
        List<Progress.Beat> beats = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < offsets.size(); i++) {
            boolean isDead = i < dead.size() && dead.get(i);
            // due = now - offset, wrapping like System.nanoTime may: the decision only uses differences.
            long due = now - offsets.get(i);
            boolean owesNothing = i % 5 == 4;
            beats.add(new Progress.Beat("loop" + i, !isDead, owesNothing
                    ? OptionalLong.empty()
                    : OptionalLong.of(
                            due)));
            if (isDead || !owesNothing && offsets.get(i) > grace) {
                expected.add("loop" + i);
            }
        }
        List<String> stalled = Progress.stalled(now, grace, beats);
        assertThat(stalled).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(stalled.get(i)).startsWith(expected.get(i) + " is ");
        }
    }

    @Property(tries = 200)
    void anOverdueLoopStaysStalledUntilItBeatsAgain(@ForAll long due,
            @ForAll @LongRange(min = 0, max = 600_000_000_000L) long grace,
            @ForAll @LongRange(min = 1, max = 600_000_000_000L) long later) {
        List<Progress.Beat> beats = List.of(new Progress.Beat("ingest", true, due));
        long now = due + grace + 1;
        assertThat(Progress.stalled(now, grace, beats)).hasSize(1);
        assertThat(Progress.stalled(now + later, grace, beats)).hasSize(1);
        assertThat(Progress.stalled(now, grace, List.of(new Progress.Beat("ingest", true, now)))).isEmpty();
    }
}
