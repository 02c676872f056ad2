package com.reliableedge.cloud.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.scan.RequestPlanner;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/** The operator API's JSON shapes. Index values are in the stream's wire form. */
public final class Views {

    private Views() {
    }

    /** An index interval. */
    public record WindowView(String startWindow, String endWindow) {

        static WindowView of(IndexKind kind, long start, long end) {
            return new WindowView(kind.format(start), kind.format(end));
        }
    }

    /** A line of {@code GET /api/v1/streams}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record StreamSummary(String deviceId, String batchId, String indexKind, String firstStart, String lastEnd,
            String origin, String lastLiveEnd, double coveredFraction, int openGaps, String state,
            Instant lastLiveAt, Instant scanParkedUntil, String scanParkReason) {
    }

    /** A page of {@code GET /api/v1/streams}: pass {@code nextCursor} back as {@code cursor}; null on the last. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record StreamsPage(List<StreamSummary> streams, int count, String nextCursor) {
    }

    /**
     * A gap. An open one tells whether it waits for an operator ({@code needsOperator}, with the {@code reason}):
     * wider than {@code backfill.auto-request-max-span}, it is not requested automatically.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GapView(String deviceId, String batchId, String startWindow, String endWindow, String state,
            Instant observedAt, Instant closedAt, Boolean needsOperator, String reason) {

        static GapView of(StreamEntity s, GapEntity g, BackfillConfig config) {
            Boolean needsOperator = null;
            String reason = null;
            if (g.state == GapEntity.State.OPEN) {
                boolean time = s.indexKind == IndexKind.TIME;
                long max = RequestPlanner.maxSpan(s.indexKind, config.autoRequestMaxSpan().time(),
                        config.autoRequestMaxSpan().sequence());
                needsOperator = RequestPlanner.needsOperator(new Window(g.startIndex, g.endIndex), max);
                if (needsOperator) {
                    reason = "wider than backfill.auto-request-max-span." + (time ? "time (" : "sequence (")
                            + (time ? config.autoRequestMaxSpan().time() : Long.toString(max))
                            + "): not requested automatically; an operator may request it (POST /api/v1/backfills)";
                }
            }
            return new GapView(s.deviceId, s.batchId, s.indexKind.format(g.startIndex),
                    s.indexKind.format(g.endIndex), g.state.name(), g.observedAt, g.closedAt, needsOperator, reason);
        }
    }

    /** A lost window. */
    public record LostView(String startWindow, String endWindow, String reason, String requestId,
            Instant recordedAt) {
    }

    /** {@code GET /api/v1/streams/{deviceId}/{batchId}}. */
    public record StreamDetail(StreamSummary stream, List<WindowView> coverage, List<GapView> gaps,
            List<LostView> lost) {
    }

    /** A backfill request. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RequestView(String requestId, String deviceId, String batchId, String startWindow,
            String endWindow, String state, int attempt, Instant nextAttemptAt, Instant expiresAt, String reason,
            String parentRequestId, boolean operatorRequest, int sendCount, Instant createdAt, Instant updatedAt) {

        static RequestView of(BackfillRequestEntity r, StreamEntity s) {
            return new RequestView(r.requestId, s.deviceId, s.batchId, s.indexKind.format(r.startIndex),
                    s.indexKind.format(r.endIndex), r.state.name(), r.attempt, r.nextAttemptAt, r.expiresAt, r.reason,
                    r.parentRequestId, r.operatorRequest, r.sendCount, r.createdAt, r.updatedAt);
        }
    }

    /** A page of events: {@code events} is a JSON array of the events as received. */
    public record EventsPage(String deviceId, String batchId, String indexKind, int count,
            @JsonRawValue String events, String nextCursor) {
    }

    static String wire(IndexKind kind, Long value) {
        return value == null ? null : kind.format(value);
    }
}
