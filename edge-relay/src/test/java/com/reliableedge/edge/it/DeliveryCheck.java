package com.reliableedge.edge.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.reliableedge.edge.upstream.RecordingHttpSink;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.simulator.SimulatorData;

/**
 * What the cloud side can prove from the messages it acknowledged, per stream: {@code seq} without holes, live windows
 * contiguous except for holes that edge self-heal backfills ({@code edge-…}) fill, and every simulator event from the
 * stream's origin to its last live {@code endWindow} present with the right value.
 */
final class DeliveryCheck {

    record StreamSummary(long maxSeq, long origin, long lastLiveEnd, int liveBatches, int healBatches, long events,
            int healedHoles) {
    }

    private final Map<String, StreamSummary> summaries = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    List<String> problems() {
        return problems;
    }

    Map<String, StreamSummary> summaries() {
        return summaries;
    }

    static DeliveryCheck of(List<RecordingHttpSink.Received> acknowledged, Map<String, IndexKind> streams,
            long periodMs) {
        DeliveryCheck check = new DeliveryCheck();
        for (Map.Entry<String, IndexKind> s : streams.entrySet()) {
            check.checkStream(acknowledged, s.getKey(), s.getValue(), periodMs);
        }
        return check;
    }

    private void checkStream(List<RecordingHttpSink.Received> all, String stream, IndexKind kind, long periodMs) {
        Map<String, RecordingHttpSink.Received> unique = new LinkedHashMap<>();
        for (RecordingHttpSink.Received r : all) {
            if (r.envelope().properties().batchId().equals(stream)) {
                unique.putIfAbsent(r.envelope().messageId(), r);
            }
        }
        TreeMap<Long, MessageProperties> liveBySeq = new TreeMap<>();
        IntervalSet healCoverage = new IntervalSet();
        Map<Long, Long> values = new HashMap<>();
        int healBatches = 0;
        for (RecordingHttpSink.Received r : unique.values()) {
            MessageProperties p = r.envelope().properties();
            if (p.messageType() != com.reliableedge.protocol.message.MessageType.BATCH || p.late()) {
                continue;
            }
            if (p.isLive()) {
                MessageProperties previous = liveBySeq.put(p.seq(), p);
                if (previous != null && !previous.window().equals(p.window())) {
                    problems.add(stream + ": seq " + p.seq() + " sealed twice with different windows " + previous
                            .window() + " and " + p.window());
                }
            } else if (p.backfill() && p.backfillRequestId().startsWith("edge-")) {
                healCoverage.add(p.window().start(), p.window().end());
                healBatches++;
            }
            for (BatchBody.Event e : BatchBody.decode(r.body(), p.contentEncoding(), kind, p.window(), p.eventCount(),
                    1 << 24)) {
                String json = e.json();
                long value = Long.parseLong(json.replaceAll(".*\"value\":(\\d+).*", "$1"));
                values.put(e.index(), value);
            }
        }
        if (liveBySeq.isEmpty()) {
            problems.add(stream + ": no live batch arrived");
            return;
        }
        long maxSeq = liveBySeq.lastKey();
        for (long seq = 1; seq <= maxSeq; seq++) {
            if (!liveBySeq.containsKey(seq)) {
                problems.add(stream + ": live batch seq " + seq + " of " + maxSeq + " never arrived");
                if (problems.size() > 20) {
                    return;
                }
            }
        }
        MessageProperties first = liveBySeq.firstEntry().getValue();
        long origin = first.streamOrigin();
        MessageProperties previous = null;
        int healedHoles = 0;
        for (MessageProperties p : liveBySeq.values()) {
            if (previous != null) {
                long prevEnd = previous.window().end();
                if (p.window().start() < prevEnd) {
                    problems.add(stream + ": seq " + p.seq() + " starts at " + p.window().start()
                            + " before the previous end " + prevEnd);
                } else if (p.window().start() > prevEnd) {
                    if (!healCoverage.containsAll(prevEnd, p.window().start())) {
                        problems.add(stream + ": hole " + new Window(prevEnd, p.window().start()).toString(kind)
                                + " before seq " + p.seq() + " not (yet) healed by the edge");
                    } else {
                        healedHoles++;
                    }
                }
            }
            previous = p;
        }
        long lastEnd = liveBySeq.lastEntry().getValue().window().end();
        long[] expected = {0};
        List<String> missing = new ArrayList<>();
        SimulatorData.forEachIndex(kind, periodMs, new Window(origin, lastEnd), index -> {
            expected[0]++;
            Long value = values.get(index);
            if (value == null) {
                if (missing.size() < 5) {
                    missing.add("missing event " + kind.format(index));
                }
            } else if (value != SimulatorData.value(stream, index)) {
                if (missing.size() < 5) {
                    missing.add("wrong value at " + kind.format(index));
                }
            }
        });
        missing.forEach(m -> problems.add(stream + ": " + m));
        summaries.put(stream, new StreamSummary(maxSeq, origin, lastEnd, liveBySeq.size(), healBatches, expected[0],
                healedHoles));
    }
}
