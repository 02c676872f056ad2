package com.reliableedge.cloud.coverage;

import java.util.ArrayList;
import java.util.List;

import com.reliableedge.protocol.coverage.Interval;
import com.reliableedge.protocol.coverage.IntervalSet;

/** A brute-force model of index sets over {@code [0, SIZE)}: one boolean per point. */
public final class PointModel {

    public static final int SIZE = 64;

    private PointModel() {
    }

    public static boolean[] points(IntervalSet set) {
        boolean[] p = new boolean[SIZE];
        for (int i = 0; i < SIZE; i++) {
            p[i] = set.contains(i);
        }
        return p;
    }

    public static boolean[] points(List<Interval> intervals) {
        boolean[] p = new boolean[SIZE];
        for (Interval in : intervals) {
            for (long i = Math.max(0, in.start()); i < Math.min(SIZE, in.end()); i++) {
                p[(int) i] = true;
            }
        }
        return p;
    }

    /** The maximal runs of true points, as intervals. */
    public static List<Interval> runs(boolean[] p) {
        List<Interval> runs = new ArrayList<>();
        int i = 0;
        while (i < p.length) {
            if (!p[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < p.length && p[i]) {
                i++;
            }
            runs.add(new Interval(start, i));
        }
        return runs;
    }
}
