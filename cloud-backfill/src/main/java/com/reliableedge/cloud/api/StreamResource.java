package com.reliableedge.cloud.api;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.coverage.GapRules;
import com.reliableedge.cloud.coverage.StreamHealth;
import com.reliableedge.cloud.security.OperatorOnly;
import com.reliableedge.cloud.store.CoverageIntervalEntity;
import com.reliableedge.cloud.store.EventEntity;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.LostWindowEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.coverage.Interval;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.panache.common.Sort;

/** Streams, their coverage and gaps, and their events (operator API). */
@Path("/api/v1/streams")
@OperatorOnly
@Tag(name = "streams", description = "Streams, coverage, gaps and events")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class StreamResource {

    static final int MAX_LIMIT = 10_000;

    private final BackfillConfig config;
    private final Clock clock;
    private final StreamStore streams;

    public StreamResource(BackfillConfig config, Clock clock, StreamStore streams) {
        this.config = config;
        this.clock = clock;
        this.streams = streams;
    }

    @GET
    @Operation(summary = "All streams: index kind, first start, last end, covered fraction, open gaps, state")
    public List<Views.StreamSummary> list() {
        Map<Long, IntervalSet> coverage = new HashMap<>();
        for (CoverageIntervalEntity row : CoverageIntervalEntity.<CoverageIntervalEntity>listAll()) {
            coverage.computeIfAbsent(row.streamId, k -> new IntervalSet()).add(row.startIndex, row.endIndex);
        }
        Instant now = clock.instant();
        List<Views.StreamSummary> out = new ArrayList<>();
        for (StreamEntity s : StreamEntity.<StreamEntity>listAll(Sort.by("deviceId").and("batchId"))) {
            out.add(summary(s, coverage.getOrDefault(s.id, new IntervalSet()), now));
        }
        return out;
    }

    @GET
    @Path("{deviceId}/{batchId}")
    @Operation(summary = "One stream's coverage intervals, gaps and lost windows, optionally within [from, to)")
    public Views.StreamDetail get(@PathParam("deviceId") String deviceId, @PathParam("batchId") String batchId,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        StreamEntity s = stream(deviceId, batchId);
        Interval range = range(s.indexKind, from, to);
        IntervalSet coverage = streams.coverage(s.id);
        List<Views.WindowView> intervals = coverage.intervalsWithin(range.start(), range.end()).stream()
                .map(i -> Views.WindowView.of(s.indexKind, i.start(), i.end())).toList();
        List<Views.GapView> gaps = GapEntity.<GapEntity>list(
                "streamId = ?1 and state = ?2 and endIndex > ?3 and startIndex < ?4 order by startIndex", s.id,
                GapEntity.State.OPEN, range.start(), range.end()).stream()
                .map(g -> Views.GapView.of(s, g, config)).toList();
        List<Views.LostView> lost = LostWindowEntity.<LostWindowEntity>list(
                "streamId = ?1 and endIndex > ?2 and startIndex < ?3 order by startIndex", s.id, range.start(),
                range.end()).stream()
                .map(l -> new Views.LostView(s.indexKind.format(l.startIndex), s.indexKind.format(l.endIndex),
                        l.reason, l.requestId, l.recordedAt))
                .toList();
        return new Views.StreamDetail(summary(s, coverage, clock.instant()), intervals, gaps, lost);
    }

    @GET
    @Path("{deviceId}/{batchId}/events")
    @Operation(summary = "Events in index order, each once, paged by cursor")
    public Views.EventsPage events(@PathParam("deviceId") String deviceId, @PathParam("batchId") String batchId,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") @DefaultValue("1000") int limit, @QueryParam("cursor") String cursor) {
        StreamEntity s = stream(deviceId, batchId);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ProtocolException("limit", Integer.toString(limit), "must be between 1 and " + MAX_LIMIT);
        }
        Interval range = range(s.indexKind, from, to);
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
        }
        List<EventEntity> rows = EventEntity.getEntityManager().createQuery("from EventEntity e"
                + " where e.streamId = :s and e.index >= :from and e.index < :to"
                + " and (e.index > :ai or (e.index = :ai and e.id > :aid)) order by e.index, e.id", EventEntity.class)
                .setParameter("s", s.id)
                .setParameter("from", range.start())
                .setParameter("to", range.end())
                .setParameter("ai", afterIndex)
                .setParameter("aid", afterId)
                .setMaxResults(limit + 1)
                .getResultList();
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

    Views.StreamSummary summary(StreamEntity s, IntervalSet coverage, Instant now) {
        double fraction = 1.0;
        Optional<Interval> bound = GapRules.bound(s.origin, s.lastLiveEnd, null, Long.MIN_VALUE);
        if (bound.isPresent()) {
            Interval b = bound.get();
            fraction = (double) coverage.coveredLength(b.start(), b.end()) / (double) b.length();
        }
        IndexKind k = s.indexKind;
        return new Views.StreamSummary(s.deviceId, s.batchId, k.wireName(), Views.wire(k, s.firstStart),
                Views.wire(k, s.lastEnd), Views.wire(k, s.origin), Views.wire(k, s.lastLiveEnd), fraction, s.openGaps,
                StreamHealth.of(s.lastLiveAt, s.openGaps, now, config.stallAfter()).name(), s.lastLiveAt,
                s.scanParkedUntil, s.scanParkReason);
    }

    static StreamEntity stream(String deviceId, String batchId) {
        return StreamEntity.<StreamEntity>find("deviceId = ?1 and batchId = ?2", deviceId, batchId)
                .firstResultOptional()
                .orElseThrow(() -> new ApiException(404, "no such stream", "batchId", deviceId + "/" + batchId));
    }

    /** {@code [from, to)} in the stream's wire form; open ends reach the whole index. */
    static Interval range(IndexKind kind, String from, String to) {
        long start = from == null || from.isEmpty() ? Long.MIN_VALUE : kind.parse("from", from);
        long end = to == null || to.isEmpty() ? Long.MAX_VALUE : kind.parse("to", to);
        if (start >= end) {
            throw new ProtocolException("from", from, "must be before to");
        }
        return new Interval(start, end);
    }
}
