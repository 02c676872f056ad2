package com.reliableedge.systemtest.verify;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.simulator.SimulatorData;
import com.reliableedge.systemtest.cloud.CloudClient;

/**
 * Checks the product's promise (PROTOCOL.md section 9) for a simulated device: after the system is quiet, every
 * event the simulator holds in {@code [origin, last live endWindow)} is served by the cloud exactly once, with its
 * value, except in windows recorded as lost.
 */
public final class Completeness {

    private final CloudClient api;
    private final String deviceId;
    private final long periodMs;

    public Completeness(CloudClient api, String deviceId, long periodMs) {
        this.api = api;
        this.deviceId = deviceId;
        this.periodMs = periodMs;
    }

    public List<StreamReport> check() throws IOException, InterruptedException {
        List<StreamReport> reports = new ArrayList<>();
        List<CloudClient.Gap> gaps = api.gaps(deviceId);
        for (CloudClient.Stream s : api.streams()) {
            if (s.deviceId().equals(deviceId) && s.origin() != null && s.lastLiveEnd() != null) {
                reports.add(check(s, gaps.stream().filter(g -> g.batchId().equals(s.batchId())).toList()));
            }
        }
        return reports;
    }

    private StreamReport check(CloudClient.Stream s, List<CloudClient.Gap> gaps) throws IOException,
            InterruptedException {
        IndexKind kind = s.indexKind();
        Window checked = Window.parse(kind, s.origin(), s.lastLiveEnd());
        JsonNode detail = api.stream(deviceId, s.batchId());
        IntervalSet lost = new IntervalSet();
        for (JsonNode l : detail.path("lost")) {
            Window w = Window.parse(kind, l.path("startWindow").asText(), l.path("endWindow").asText());
            lost.add(w.start(), w.end());
        }

        Map<Long, Integer> seen = new HashMap<>();
        long wrong = 0;
        List<CloudClient.Event> events = api.events(deviceId, s.batchId(), kind, s.origin(), s.lastLiveEnd());
        for (CloudClient.Event e : events) {
            boolean expectedHere = checked.contains(e.index()) && SimulatorData.hasEventAt(kind, periodMs, e
                    .index()) && !lost.contains(e.index());
            if (!expectedHere || e.json().path("value").asLong(-1) != SimulatorData.value(s.batchId(), e.index())) {
                wrong++;
            }
            seen.merge(e.index(), 1, Integer::sum);
        }
        long[] expected = {0};
        long[] missing = {0};
        SimulatorData.forEachIndex(kind, periodMs, checked, i -> {
            if (!lost.contains(i)) {
                expected[0]++;
                if (!seen.containsKey(i)) {
                    missing[0]++;
                }
            }
        });
        long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();

        List<Duration> repairs = gaps.stream().filter(g -> g.closedAt() != null && g.observedAt() != null)
                .map(g -> Duration.between(g.observedAt(), g.closedAt())).sorted().toList();
        return new StreamReport(s.batchId(), kind.wireName(), s.origin(), s.lastLiveEnd(), expected[0], events.size(),
                missing[0], duplicates, wrong, detail.path("lost").size(), gaps.size(), repairs.size(),
                repairs.isEmpty() ? null : repairs.get(repairs.size() - 1));
    }
}
