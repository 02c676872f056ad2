package com.reliableedge.cloud.api;

import java.time.Clock;
import java.util.List;

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
import com.reliableedge.cloud.store.GapRepository;
import com.reliableedge.cloud.store.OperatorBackfillRepository;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;

/**
 * A stream's timeline (operator API, read by the dashboard): coverage, gaps in every state, lost windows, requests
 * and operator backfills within {@code [from, to)}, each list at most {@code limit} long.
 */
@Path("/api/v1/streams/{deviceId}/{batchId}/timeline")
@OperatorOnly
@Tag(name = "streams", description = "Streams, coverage, gaps and events")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class StreamTimelineResource {

    static final int DEFAULT_LIMIT = 1000;

    private final BackfillConfig config;
    private final StreamStore streams;
    private final GapRepository gaps;
    private final RequestRepository requests;
    private final OperatorBackfillRepository operatorBackfills;
    private final Clock clock;

    public StreamTimelineResource(BackfillConfig config, StreamStore streams, GapRepository gaps,
            RequestRepository requests, OperatorBackfillRepository operatorBackfills, Clock clock) {
        this.config = config;
        this.streams = streams;
        this.gaps = gaps;
        this.requests = requests;
        this.operatorBackfills = operatorBackfills;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Everything on a stream's timeline within [from, to): coverage, gaps (OPEN, CLOSED, LOST),"
            + " lost windows, requests and operator backfills; `truncated` when a list was cut at `limit`")
    public TimelineViews.Timeline timeline(@PathParam("deviceId") String deviceId,
            @PathParam("batchId") String batchId, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") String limitParam) {
        int limit = QueryParams.limit(limitParam, DEFAULT_LIMIT, StreamResource.MAX_LIMIT);
        StreamEntity s = StreamResource.stream(streams, deviceId, batchId);
        Window range = StreamResource.range(s.indexKind, from, to);
        IntervalSet coverage = streams.coverage(s.id);
        Views.StreamSummary summary = StreamResource.summary(config, s, coverage, clock.instant());
        List<Views.WindowView> intervals = coverage.intervalsWithin(range.start(), range.end()).stream().limit(limit)
                .map(i -> Views.WindowView.of(s.indexKind, i.start(), i.end())).toList();
        List<Views.GapView> gapViews = gaps.within(s.id, range.start(), range.end(), limit).stream()
                .map(g -> Views.GapView.of(s, g, config)).toList();
        List<Views.LostView> lost = streams.lostWithin(s.id, range.start(), range.end()).stream().limit(limit)
                .map(l -> new Views.LostView(s.indexKind.format(l.startIndex), s.indexKind.format(l.endIndex),
                        l.reason, l.requestId, l.recordedAt))
                .toList();
        List<Views.RequestView> requestViews = requests.within(s.id, range.start(), range.end(), limit).stream()
                .map(r -> Views.RequestView.of(r, s)).toList();
        List<TimelineViews.OperatorBackfillView> pending = operatorBackfills.ofStream(s.id).stream()
                .filter(o -> o.endIndex > range.start() && o.nextIndex < range.end()).limit(limit)
                .map(o -> TimelineViews.OperatorBackfillView.of(o, s.indexKind)).toList();
        boolean truncated = intervals.size() >= limit || gapViews.size() >= limit || lost.size() >= limit
                || requestViews.size() >= limit || pending.size() >= limit;
        return new TimelineViews.Timeline(summary, intervals, gapViews, lost, requestViews, pending, truncated);
    }
}
