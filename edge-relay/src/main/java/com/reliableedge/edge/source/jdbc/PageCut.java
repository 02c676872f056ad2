package com.reliableedge.edge.source.jdbc;

import java.util.List;

/**
 * Where a page of rows ends so that it never splits the rows of one index (HistoryRead's contract). Given the
 * indexes of the first {@code max + 1} rows of {@code [start, end)} in index order: when there are at most
 * {@code max}, the page is all of them and reaches {@code end}; otherwise it keeps the rows below the index of row
 * {@code max} and ends there. When even the first index has more than {@code max} rows, the page is that whole
 * index ({@link Cut#wholeFirstIndex}), read without a limit, and ends just after it.
 */
final class PageCut {

    /** {@code keep} rows of the fetched ones, reaching {@code readTo}. */
    record Cut(int keep, long readTo, boolean wholeFirstIndex) {
    }

    private PageCut() {
    }

    static Cut cut(List<Long> indexes, int max, long end) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        if (indexes.size() <= max) {
            return new Cut(indexes.size(), end, false);
        }
        long first = indexes.get(0);
        long boundary = indexes.get(max);
        if (boundary == first) {
            // first < end, so first + 1 <= end: no overflow.
            return new Cut(-1, first + 1, true);
        }
        int keep = max;
        while (indexes.get(keep - 1) == boundary) {
            keep--;
        }
        return new Cut(keep, boundary, false);
    }
}
