package com.reliableedge.systemtest.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/** The demo's figures partition the checked window: they add up, and each counts the events where it should. */
class TallyTest {

    @Test
    void splitsTheCheckedWindowIntoLiveRepairedLostAndMissing() {
        // Sequence index, one event per integer, checked [0, 100).
        Window checked = new Window(0, 100);
        List<Window> coverage = List.of(new Window(0, 40), new Window(50, 70), new Window(80, 120));
        List<Window> gaps = List.of(new Window(30, 60), new Window(70, 80));
        List<Window> lost = List.of(new Window(75, 80));
        Tally t = Tally.of(IndexKind.SEQUENCE, 1, checked, coverage, gaps, lost);
        // covered: [0,40) [50,70) [80,100) = 80; inside gaps: [30,40) [50,60) = 20; lost [75,80) = 5; missing [40,50)
        // and [70,75) = 15.
        assertThat(t).isEqualTo(new Tally(100, 60, 20, 5, 15));
        assertThat(t.inCloud()).isEqualTo(80);
    }

    @Test
    void countsTimeIndexedEventsByThePeriod() {
        // 100 ms period, checked 10 s: 100 events; the second half covered by a repaired gap.
        Window checked = new Window(1_000_000, 1_010_000);
        Tally t = Tally.of(IndexKind.TIME, 100, checked, List.of(checked), List.of(new Window(1_005_000,
                1_010_000)), List.of());
        assertThat(t).isEqualTo(new Tally(100, 50, 50, 0, 0));
    }

    @Test
    void alwaysAddsUpWhateverTheIntervals() {
        Random random = new Random(42);
        for (int run = 0; run < 500; run++) {
            Window checked = new Window(random.nextInt(50), 50 + random.nextInt(200));
            Tally t = Tally.of(IndexKind.SEQUENCE, 1, checked, windows(random), windows(random), windows(random));
            // The compact constructor refuses parts that do not add up; the total is the window's events.
            assertThat(t.expected()).isEqualTo(checked.end() - checked.start());
            assertThat(List.of(t.live(), t.repaired(), t.lost(), t.missing())).allMatch(n -> n >= 0);
        }
    }

    private static List<Window> windows(Random random) {
        List<Window> out = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            long start = random.nextInt(300) - 20;
            out.add(new Window(start, start + 1 + random.nextInt(60)));
        }
        return out;
    }
}
