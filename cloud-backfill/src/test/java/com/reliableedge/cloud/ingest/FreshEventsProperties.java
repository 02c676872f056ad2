package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link IngestService#fresh}: a batch keeps exactly its events inside the parts of its window it newly covers. */
class FreshEventsProperties {

    @Property(tries = 2000)
    void keepsExactlyTheEventsInsideSomeFreshPieceInTheirOrder(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 200) Integer> indexes,
            @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 210) Integer> bounds) {
        List<BatchBody.Event> events = new ArrayList<>();
        for (int index : new TreeSet<>(indexes)) {
            events.add(new BatchBody.Event(index, "{\"i\":" + index + "}"));
        }
        // Sorted distinct bounds, taken in pairs: disjoint, non-empty, sorted pieces.
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(bounds));
        List<Window> fresh = new ArrayList<>();
        for (int i = 0; i + 1 < sorted.size(); i += 2) {
            fresh.add(new Window(sorted.get(i), sorted.get(i + 1)));
        }

        List<BatchBody.Event> expected = events.stream()
                .filter(e -> fresh.stream().anyMatch(piece -> piece.contains(e.index()))).toList();
        assertThat(IngestService.fresh(events, fresh)).containsExactlyElementsOf(expected);
    }
}
