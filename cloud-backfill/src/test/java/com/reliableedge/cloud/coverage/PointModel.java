package com.reliableedge.cloud.coverage;

import java.util.ArrayList;
import java.util.List;

import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;

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

    public static boolean[] points(List<Window> intervals) {
        boolean[] p = new boolean[SIZE];
        for (Window in : intervals) {
            for (long i = Math.max(0, in.start()); i < Math.min(SIZE, in.end()); i++) {
                p[(int) i] = true;
            }
        }
        return p;
    }

    /** The maximal runs of true points, as intervals. */
    public static List<Window> runs(boolean[] p) {
        List<Window> runs = new ArrayList<>();
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
            runs.add(new Window(start, i));
        }
        return runs;
    }
}
