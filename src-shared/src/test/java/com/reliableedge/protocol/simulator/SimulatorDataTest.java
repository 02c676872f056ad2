package com.reliableedge.protocol.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class SimulatorDataTest {

    /** Values computed with Python's unbounded integers: (i * 1103515245 + 12345 + hashCode) mod 2^31. */
    @Test
    void valuesMatchAnIndependentComputation() {
        assertThat(SimulatorData.value("line-1", 1_764_151_200_000L)).isEqualTo(101158353L);
        assertThat(SimulatorData.value("line-1", 0)).isEqualTo(1044822225L);
        assertThat(SimulatorData.value("seq-1", 42)).isEqualTo(1359819870L);
        assertThat(SimulatorData.value("line-2", -100)).isEqualTo(214963774L);
    }

    @Test
    void eventsAreJsonObjectsWithTheWireIndex() {
        assertThat(SimulatorData.eventJson(IndexKind.TIME, "line-1", 1_764_151_200_000L))
                .isEqualTo("{\"index\":\"2025-11-26T10:00:00.000Z\",\"value\":101158353}");
        assertThat(SimulatorData.eventJson(IndexKind.SEQUENCE, "seq-1", 42))
                .isEqualTo("{\"index\":\"42\",\"value\":1359819870}");
    }

    @Property
    void indexesInAWindowAreExactlyThePeriodMultiples(@ForAll @LongRange(min = -10_000, max = 10_000) long start,
            @ForAll @IntRange(min = 1, max = 2_000) int length, @ForAll @IntRange(min = 1, max = 250) int period) {
        Window w = new Window(start, start + length);
        for (IndexKind kind : IndexKind.values()) {
            List<Long> seen = new ArrayList<>();
            SimulatorData.forEachIndex(kind, period, w, seen::add);
            List<Long> expected = new ArrayList<>();
            for (long i = w.start(); i < w.end(); i++) {
                if (SimulatorData.hasEventAt(kind, period, i)) {
                    expected.add(i);
                }
            }
            assertThat(seen).isEqualTo(expected);
            assertThat(SimulatorData.countIn(kind, period, w)).isEqualTo(expected.size());
        }
    }
}
