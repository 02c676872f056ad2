package com.reliableedge.systemtest.opcua;

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
import com.reliableedge.systemtest.cloud.CloudClient;
import com.reliableedge.systemtest.verify.StreamReport;

/**
 * The promise (PROTOCOL.md section 9) for an OPC UA device: after the system is quiet, every value the server
 * recorded for a stream's node with source time in {@code [origin, last live endWindow)} is served by the cloud
 * exactly once, with its value, except in windows recorded as lost. {@code origin} is the cloud's: the smallest
 * {@code streamOrigin} or {@code startWindow} it saw, that is the start of the first live window of the first edge
 * run; what the server recorded before the edge first subscribed is not the relay's to deliver.
 */
public final class OpcUaCompleteness {

    private final CloudClient api;
    private final String deviceId;
    private final Map<String, String> streams;
    private final RecordedValues server;

    /** @param streams batchId to the node id its values come from */
    public OpcUaCompleteness(CloudClient api, String deviceId, Map<String, String> streams, RecordedValues server) {
        this.api = api;
        this.deviceId = deviceId;
        this.streams = Map.copyOf(streams);
        this.server = server;
    }

    public List<StreamReport> check() throws IOException, InterruptedException {
        List<StreamReport> reports = new ArrayList<>();
        List<CloudClient.Gap> gaps = api.gaps(deviceId);
        for (CloudClient.Stream s : api.streams()) {
            if (s.deviceId().equals(deviceId) && streams.containsKey(s.batchId()) && s.origin() != null && s
                    .lastLiveEnd() != null) {
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
        Map<Long, Double> recorded = new HashMap<>();
        for (RecordedValues.Value v : server.values(streams.get(s.batchId()), checked.start(), checked.end())) {
            if (!lost.contains(v.sourceMillis())) {
                recorded.put(v.sourceMillis(), v.value());
            }
        }

        Map<Long, Integer> seen = new HashMap<>();
        long wrong = 0;
        List<CloudClient.Event> events = api.events(deviceId, s.batchId(), kind, s.origin(), s.lastLiveEnd());
        for (CloudClient.Event e : events) {
            Double expected = recorded.get(e.index());
            JsonNode value = e.json().path("value");
            if (expected == null || !value.isNumber() || value.asDouble() != expected) {
                wrong++;
            }
            seen.merge(e.index(), 1, Integer::sum);
        }
        List<Long> absent = recorded.keySet().stream().filter(i -> !seen.containsKey(i)).sorted().toList();
        long missing = absent.size();
        if (!absent.isEmpty()) {
            // For diagnosis: which recorded values the cloud does not serve.
            System.out.println(s.batchId() + " missing " + absent.stream().limit(20).map(kind::format).toList());
        }
        long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
        List<Duration> repairs = gaps.stream().filter(g -> g.closedAt() != null && g.observedAt() != null)
                .map(g -> Duration.between(g.observedAt(), g.closedAt())).sorted().toList();
        return new StreamReport(s.batchId(), kind.wireName(), s.origin(), s.lastLiveEnd(), recorded.size(), events
                .size(), missing, duplicates, wrong, detail.path("lost").size(), gaps.size(), repairs.size(),
                repairs
                        .isEmpty() ? null : repairs.get(repairs.size() - 1));
    }
}
