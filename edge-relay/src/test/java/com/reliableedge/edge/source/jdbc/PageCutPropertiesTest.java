package com.reliableedge.edge.source.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Page cuts: a page never splits an index, holds at most {@code max} rows unless its only index holds more, always
 * moves past the start, and pages read one after another yield every row once, in order.
 */
class PageCutPropertiesTest {

    @Property
    void pagesTileTheRowsOnWholeIndexes(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 4) Integer> repeats,
            @ForAll @IntRange(min = 1, max = 12) int max) {
        List<Long> rows = new ArrayList<>();
        for (int i = 0; i < repeats.size(); i++) {
            for (int r = 0; r < repeats.get(i); r++) {
                rows.add(1_000L + 2L * i);
            }
        }
        long start = 1_000;
        long end = 1_000 + 2L * repeats.size() + 1;
        List<Long> pieced = new ArrayList<>();
        long at = start;
        int pages = 0;
        while (at < end) {
            long from = at;
            List<Long> window = rows.stream().filter(i -> i >= from && i < end).toList();
            List<Long> fetched = window.subList(0, Math.min(window.size(), max + 1));
            PageCut.Cut cut = PageCut.cut(fetched, max, end);
            List<Long> page;
            if (cut.wholeFirstIndex()) {
                long first = fetched.get(0);
                page = window.stream().filter(i -> i == first).toList();
                assertThat(page).hasSizeGreaterThan(max);
            } else {
                page = fetched.subList(0, cut.keep());
                assertThat(page).hasSizeLessThanOrEqualTo(max);
            }
            assertThat(cut.readTo()).isGreaterThan(at).isLessThanOrEqualTo(end);
            long readTo = cut.readTo();
            // Whole indexes: every row of the window below readTo is in the page, none at or above it.
            assertThat(page).containsExactlyElementsOf(window.stream().filter(i -> i < readTo).toList());
            pieced.addAll(page);
            at = readTo;
            pages++;
            assertThat(pages).isLessThanOrEqualTo(rows.size() + 1);
        }
        assertThat(pieced).containsExactlyElementsOf(rows);
    }
}
