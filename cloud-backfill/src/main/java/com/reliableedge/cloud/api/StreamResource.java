package com.reliableedge.cloud.api;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.coverage.GapRules;
import com.reliableedge.cloud.coverage.StreamHealth;
import com.reliableedge.cloud.store.EventEntity;
import com.reliableedge.cloud.store.EventRepository;
import com.reliableedge.cloud.store.GapRepository;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/** Streams, their coverage and gaps, and their events (operator API). */
@Path("/api/v1/streams")
@OperatorOnly
@Tag(name = "streams", description = "Streams, coverage, gaps and events")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class StreamResource {

    static final int MAX_LIMIT = 10_000;
    static final int DEFAULT_STREAMS_LIMIT = 100;
    static final int MAX_STREAMS_LIMIT = 1_000;

    private final BackfillConfig config;
    private final Clock clock;
    private final StreamStore streams;
    private final GapRepository gaps;
    private final EventRepository events;

    public StreamResource(BackfillConfig config, Clock clock, StreamStore streams, GapRepository gaps,
            EventRepository events) {
        this.config = config;
        this.clock = clock;
        this.streams = streams;
        this.gaps = gaps;
        this.events = events;
    }

    @GET
    @Operation(summary = "Streams in (deviceId, batchId) order, paged by cursor: index kind, first start, last end,"
            + " covered fraction, open gaps, state")
    public Views.StreamsPage list(@QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        int limit = QueryParams.limit(limitParam, DEFAULT_STREAMS_LIMIT, MAX_STREAMS_LIMIT);
        String afterDevice = "";
        String afterBatch = "";
        if (cursor != null && !cursor.isEmpty()) {
            int slash = cursor.indexOf('/');
            if (slash < 0 || !Identifiers.isValid(cursor.substring(0, slash))
                    || !Identifiers.isValid(cursor.substring(slash + 1))) {
                throw new ProtocolException("cursor", cursor, "is not a cursor this API gave out");
            }
            afterDevice = cursor.substring(0, slash);
            afterBatch = cursor.substring(slash + 1);
        }
        List<StreamEntity> rows = streams.page(afterDevice, afterBatch, limit + 1);
        boolean more = rows.size() > limit;
        List<StreamEntity> page = more ? rows.subList(0, limit) : rows;
        // Summed by the database over the page's streams only: no coverage row is loaded.
        Map<Long, Long> covered = streams.coveredInBound(page);
        Instant now = clock.instant();
        List<Views.StreamSummary> out = new ArrayList<>(page.size());
        for (StreamEntity s : page) {
            out.add(summary(s, covered.getOrDefault(s.id, 0L), now));
        }
        String next = more ? page.get(page.size() - 1).deviceId + "/" + page.get(page.size() - 1).batchId : null;
        return new Views.StreamsPage(out, out.size(), next);
    }

    @GET
    @Path("{deviceId}/{batchId}")
    @Operation(summary = "One stream's coverage intervals, gaps and lost windows, optionally within [from, to)")
    public Views.StreamDetail get(@PathParam("deviceId") String deviceId, @PathParam("batchId") String batchId,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        StreamEntity s = stream(streams, deviceId, batchId);
        Window range = range(s.indexKind, from, to);
        IntervalSet coverage = streams.coverage(s.id);
        List<Views.WindowView> intervals = coverage.intervalsWithin(range.start(), range.end()).stream()
                .map(i -> Views.WindowView.of(s.indexKind, i.start(), i.end())).toList();
        List<Views.GapView> open = gaps.openWithin(s.id, range.start(), range.end()).stream()
                .map(g -> Views.GapView.of(s, g, config)).toList();
        List<Views.LostView> lost = streams.lostWithin(s.id, range.start(), range.end()).stream()
                .map(l -> new Views.LostView(s.indexKind.format(l.startIndex), s.indexKind.format(l.endIndex),
                        l.reason, l.requestId, l.recordedAt))
                .toList();
        return new Views.StreamDetail(summary(config, s, coverage, clock.instant()), intervals, open, lost);
    }

    @GET
    @Path("{deviceId}/{batchId}/events")
    @Operation(summary = "Events in index order, each once, paged by cursor")
    public Views.EventsPage events(@PathParam("deviceId") String deviceId, @PathParam("batchId") String batchId,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") String limitParam, @QueryParam("cursor") String cursor) {
        StreamEntity s = stream(streams, deviceId, batchId);
        int limit = QueryParams.limit(limitParam, 1000, MAX_LIMIT);
        Window range = range(s.indexKind, from, to);
        long afterIndex = Long.MIN_VALUE;
        long afterId = Long.MIN_VALUE;
        if (cursor != null && !cursor.isEmpty()) {
            int colon = cursor.lastIndexOf(':');
            try {
                afterIndex = Long.parseLong(cursor.substring(0, colon));
                afterId = Long.parseLong(cursor.substring(colon + 1));
            } catch (IndexOutOfBoundsException | NumberFormatException e) {
                throw new ProtocolException("cursor", cursor, "is not a cursor this API gave out", e);
            }
            if (afterId < 0) {
                throw new ProtocolException("cursor", cursor, "is not a cursor this API gave out");
            }
        }
        List<EventEntity> rows = events.page(s.id, range.start(), range.end(), afterIndex, afterId, limit + 1);
        boolean more = rows.size() > limit;
        List<EventEntity> page = more ? rows.subList(0, limit) : rows;
        StringBuilder json = new StringBuilder(64 * page.size() + 2).append('[');
        for (int i = 0; i < page.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(page.get(i).payload);
        }
        json.append(']');
        String next = null;
        if (more) {
            EventEntity last = page.get(page.size() - 1);
            next = last.index + ":" + last.id;
        }
        return new Views.EventsPage(s.deviceId, s.batchId, s.indexKind.wireName(), page.size(), json.toString(),
                next);
    }

    /** @param covered how much of {@code [origin, lastLiveEnd)} coverage holds */
    Views.StreamSummary summary(StreamEntity s, long covered, Instant now) {
        return summary(config, s, covered, now);
    }

    /** @param covered how much of {@code [origin, lastLiveEnd)} coverage holds */
    static Views.StreamSummary summary(BackfillConfig config, StreamEntity s, long covered, Instant now) {
        double fraction = 1.0;
        Optional<Window> bound = GapRules.bound(s.origin, s.lastLiveEnd, null, Long.MIN_VALUE);
        if (bound.isPresent()) {
            fraction = (double) covered / (double) bound.get().length();
        }
        IndexKind k = s.indexKind;
        return new Views.StreamSummary(s.deviceId, s.batchId, k.wireName(), Views.wire(k, s.firstStart),
                Views.wire(k, s.lastEnd), Views.wire(k, s.origin), Views.wire(k, s.lastLiveEnd), fraction, s.openGaps,
                StreamHealth.of(s.lastLiveAt, s.openGaps, now, config.stallAfter()).name(), s.lastLiveAt,
                s.scanParkedUntil, s.scanParkReason);
    }

    /** The summary of a stream whose whole {@code coverage} is loaded. */
    static Views.StreamSummary summary(BackfillConfig config, StreamEntity s, IntervalSet coverage, Instant now) {
        Optional<Window> bound = GapRules.bound(s.origin, s.lastLiveEnd, null, Long.MIN_VALUE);
        long covered = bound.map(b -> coverage.coveredLength(b.start(), b.end())).orElse(0L);
        return summary(config, s, covered, now);
    }

    static StreamEntity stream(StreamStore streams, String deviceId, String batchId) {
        return streams.find(deviceId, batchId).orElseThrow(
                () -> new Refusal(Refusal.Kind.NOT_FOUND, "no such stream", "batchId", deviceId + "/" + batchId));
    }

    /** {@code [from, to)} in the stream's wire form; open ends reach the whole index. */
    static Window range(IndexKind kind, String from, String to) {
        long start = from == null || from.isEmpty() ? Long.MIN_VALUE : kind.parse("from", from);
        long end = to == null || to.isEmpty() ? Long.MAX_VALUE : kind.parse("to", to);
        if (start >= end) {
            throw new ProtocolException("from", from, "must be before to");
        }
        return new Window(start, end);
    }
}
