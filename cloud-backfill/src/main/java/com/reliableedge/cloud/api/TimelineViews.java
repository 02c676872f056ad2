package com.reliableedge.cloud.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.OperatorBackfillEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.protocol.index.IndexKind;

/** The JSON shapes of the dashboard's reads: a stream's timeline and a request's history. Index values in wire form. */
public final class TimelineViews {

    private TimelineViews() {
    }

    /**
     * {@code GET /api/v1/streams/{deviceId}/{batchId}/timeline}: everything drawn on a stream's timeline within
     * {@code [from, to)}. {@code truncated} tells that some list was cut at {@code limit}: ask for a narrower range.
     */
    public record Timeline(Views.StreamSummary stream, List<Views.WindowView> coverage, List<Views.GapView> gaps,
            List<Views.LostView> lost, List<Views.RequestView> requests, List<OperatorBackfillView> operatorBackfills,
            boolean truncated) {
    }

    /** What is left of an operator backfill: the scanner still has to create requests for {@code [next, end)}. */
    public record OperatorBackfillView(String nextWindow, String endWindow, Instant createdAt) {

        static OperatorBackfillView of(OperatorBackfillEntity o, IndexKind kind) {
            return new OperatorBackfillView(kind.format(o.nextIndex), kind.format(o.endIndex), o.createdAt);
        }
    }

    /** One attempt at a window: a request row with all its timestamps and the sub-ranges the edge reported. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(String requestId, String startWindow, String endWindow, String state, int attempt,
            int sendCount, Instant createdAt, Instant requestedAt, Instant updatedAt, Instant nextAttemptAt,
            Instant expiresAt, String reason, String parentRequestId, boolean operatorRequest,
            List<Views.WindowView> reported) {

        static AttemptView of(BackfillRequestEntity r, StreamEntity s) {
            IndexKind k = s.indexKind;
            return new AttemptView(r.requestId, k.format(r.startIndex), k.format(r.endIndex), r.state.name(),
                    r.attempt, r.sendCount, r.createdAt, r.requestedAt, r.updatedAt, r.nextAttemptAt, r.expiresAt,
                    r.reason, r.parentRequestId, r.operatorRequest, reported(r.reported, k));
        }

        /** {@code start:end} pairs separated by commas, as stored, in wire form. */
        static List<Views.WindowView> reported(String stored, IndexKind kind) {
            List<Views.WindowView> out = new ArrayList<>();
            if (stored == null || stored.isEmpty()) {
                return out;
            }
            for (String pair : stored.split(",")) {
                int colon = pair.indexOf(':', 1);
                if (colon > 0) {
                    out.add(Views.WindowView.of(kind, Long.parseLong(pair.substring(0, colon)),
                            Long.parseLong(pair.substring(colon + 1))));
                }
            }
            return out;
        }
    }

    /**
     * {@code GET /api/v1/backfills/{requestId}}: the request, and every attempt of its line (the requests it came
     * from and those made for its remainder), oldest first.
     */
    public record RequestHistory(Views.RequestView request, List<AttemptView> history, boolean truncated) {
    }
}
