package com.reliableedge.edge.buffer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.reliableedge.edge.buffer.StoreView.StoredLane;
import com.reliableedge.edge.buffer.StoreView.Waiting;

/**
 * What the relay's own writes guarantee about a store, checked on what it holds (a pure function of one snapshot).
 * Acknowledgements remove messages in any order, so waiting live batches may have holes in {@code seq}; what must
 * hold is: each stream's cursor ({@code endWindow}, {@code seq}, written with the batch it follows, E1) is at or past
 * its newest waiting live batch, and equal to it when that batch carries the cursor's {@code seq}; live batches rise
 * in {@code seq} with seal order and never overlap, and consecutive {@code seq}s do not go back in window (E1); late
 * batches lie below the cursor with rising {@code lateSeq}; backfill batches and status messages belong to a job, lie
 * in its served part and do not overlap within it; a job's progress lies in its window and agrees with its state.
 */
public final class StoreCheck {

    private StoreCheck() {
    }

    /** The problems found, each naming the stream, message id or request; empty when the store is consistent. */
    public static List<String> problems(Map<String, StreamCursor> cursors, List<Waiting> messages,
            List<StoreView.Job> jobs) {
        List<String> out = new ArrayList<>();
        Map<String, BackfillJob> jobById = new HashMap<>();
        for (StoreView.Job j : jobs) {
            jobById.put(j.job().requestId(), j.job());
            checkJob(j, out);
        }
        Map<String, List<Waiting>> live = new HashMap<>();
        Map<String, List<Waiting>> late = new HashMap<>();
        Map<String, List<Waiting>> backfill = new HashMap<>();
        for (Waiting m : messages) {
            if (m.window().start() >= m.window().end()) {
                out.add("message " + m.id() + " of " + m.stream() + " has an empty window " + m.window());
            }
            if (m.size() <= 0) {
                out.add("message " + m.id() + " of " + m.stream() + " has size " + m.size());
            }
            switch (m.lane()) {
                case LIVE -> live.computeIfAbsent(m.stream(), s -> new ArrayList<>()).add(m);
                case LATE -> late.computeIfAbsent(m.stream(), s -> new ArrayList<>()).add(m);
                case BACKFILL, STATUS -> {
                    BackfillJob job = m.requestId() == null ? null : jobById.get(m.requestId());
                    if (job == null) {
                        out.add(m.lane().label() + " message " + m.id() + " of " + m.stream() + " belongs to no"
                                + " accepted job (request " + m.requestId() + ")");
                    } else if (m.lane() == StoredLane.BACKFILL) {
                        checkBackfillBatch(m, job, out);
                        backfill.computeIfAbsent(m.requestId(), r -> new ArrayList<>()).add(m);
                    }
                }
            }
        }
        live.forEach((stream, batches) -> checkLive(stream, cursors.get(stream), batches, out));
        late.forEach((stream, batches) -> checkLate(stream, cursors.get(stream), batches, out));
        backfill.forEach((request, batches) -> checkNoOverlap("backfill batches of request " + request, batches,
                out));
        return out;
    }

    private static void checkLive(String stream, StreamCursor cursor, List<Waiting> batches, List<String> out) {
        if (cursor == null) {
            out.add("stream " + stream + " has " + batches.size() + " live batch(es) waiting but no cursor");
            return;
        }
        Waiting previous = null;
        for (Waiting m : batches) {
            if (m.seq() == null || m.seq() < 1) {
                out.add("live batch " + m.id() + " of " + stream + " has seq " + m.seq());
                continue;
            }
            if (m.kind() != cursor.kind()) {
                out.add("live batch " + m.id() + " of " + stream + " is " + m.kind().wireName() + "-indexed, its"
                        + " cursor " + cursor.kind().wireName());
            }
            if (m.seq() > cursor.seq()) {
                out.add("live batch " + m.id() + " of " + stream + " has seq " + m.seq() + " beyond the cursor's seq "
                        + cursor.seq());
            }
            if (m.window().end() > cursor.cursor()) {
                out.add("live batch " + m.id() + " of " + stream + " ends at " + m.window().end() + ", beyond the"
                        + " cursor's endWindow " + cursor.cursor());
            }
            if (m.window().start() < cursor.streamOrigin()) {
                out.add("live batch " + m.id() + " of " + stream + " starts at " + m.window().start() + ", before"
                        + " the stream's origin " + cursor.streamOrigin());
            }
            if (previous != null && previous.seq() != null) {
                if (m.seq() <= previous.seq()) {
                    out.add("live batches " + previous.id() + " and " + m.id() + " of " + stream + " have seq "
                            + previous.seq() + " then " + m.seq() + ": not rising in seal order");
                } else if (m.window().start() < previous.window().end()) {
                    out.add("live batches " + previous.id() + " (seq " + previous.seq() + ", " + previous.window()
                            + ") and " + m.id() + " (seq " + m.seq() + ", " + m.window() + ") of " + stream
                            + " overlap");
                }
            }
            previous = m;
        }
        if (previous != null && previous.seq() != null && previous.seq() == cursor.seq()
                && previous.window().end() != cursor.cursor()) {
            out.add("stream " + stream + ": the cursor (endWindow " + cursor.cursor() + ", seq " + cursor.seq()
                    + ") does not match its newest sealed live batch " + previous.id() + " (" + previous.window()
                    + ", seq " + previous.seq() + ")");
        }
    }

    private static void checkLate(String stream, StreamCursor cursor, List<Waiting> batches, List<String> out) {
        if (cursor == null) {
            out.add("stream " + stream + " has " + batches.size() + " late batch(es) waiting but no cursor");
            return;
        }
        Long previous = null;
        for (Waiting m : batches) {
            if (m.lateSeq() == null || m.lateSeq() < 1 || m.lateSeq() > cursor.lateSeq()) {
                out.add("late batch " + m.id() + " of " + stream + " has lateSeq " + m.lateSeq() + " (the cursor's is "
                        + cursor.lateSeq() + ")");
            } else if (previous != null && m.lateSeq() <= previous) {
                out.add("late batch " + m.id() + " of " + stream + " has lateSeq " + m.lateSeq() + " after "
                        + previous + ": not rising in seal order");
            }
            if (m.window().end() > cursor.cursor()) {
                out.add("late batch " + m.id() + " of " + stream + " ends at " + m.window().end() + ", beyond the"
                        + " cursor's endWindow " + cursor.cursor());
            }
            previous = m.lateSeq();
        }
    }

    private static void checkBackfillBatch(Waiting m, BackfillJob job, List<String> out) {
        if (!m.stream().equals(job.streamId())) {
            out.add("backfill batch " + m.id() + " is of " + m.stream() + ", its request " + job.requestId() + " of "
                    + job.streamId());
        }
        if (m.window().start() < job.window().start() || m.window().end() > job.progress()) {
            out.add("backfill batch " + m.id() + " (" + m.window() + ") lies outside the served part ["
                    + job.window().start() + ", " + job.progress() + ") of request " + job.requestId());
        }
    }

    private static void checkJob(StoreView.Job j, List<String> out) {
        BackfillJob job = j.job();
        if (job.progress() < job.window().start() || job.progress() > job.window().end()) {
            out.add("request " + job.requestId() + " has progress " + job.progress() + " outside its window "
                    + job.window());
        }
        if (job.state() == BackfillJob.State.ACTIVE && job.progress() >= job.window().end()) {
            out.add("request " + job.requestId() + " is ACTIVE with its whole window served");
        }
        if (job.state() != BackfillJob.State.ACTIVE && job.progress() < job.window().end()) {
            out.add("request " + job.requestId() + " is " + job.state() + " with progress " + job.progress()
                    + " short of its window's end " + job.window().end());
        }
        Segment previous = null;
        for (Segment s : j.segments()) {
            if (s.window().start() < job.window().start() || s.window().end() > job.progress()) {
                out.add("request " + job.requestId() + ": part " + s.window() + " lies outside the served part ["
                        + job.window().start() + ", " + job.progress() + ")");
            }
            if (previous != null && s.window().start() < previous.window().end()) {
                out.add("request " + job.requestId() + ": parts " + previous.window() + " and " + s.window()
                        + " overlap");
            }
            previous = s;
        }
    }

    private static void checkNoOverlap(String what, List<Waiting> batches, List<String> out) {
        List<Waiting> sorted = batches.stream().sorted(Comparator.comparingLong(m -> m.window().start())).toList();
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).window().start() < sorted.get(i - 1).window().end()) {
                out.add(what + " overlap: " + sorted.get(i - 1).id() + " " + sorted.get(i - 1).window() + " and "
                        + sorted.get(i).id() + " " + sorted.get(i).window());
            }
        }
    }
}
