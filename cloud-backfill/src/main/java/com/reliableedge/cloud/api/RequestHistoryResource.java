package com.reliableedge.cloud.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;

/** One backfill request with its history: every attempt of its line (operator API, read by the dashboard). */
@Path("/api/v1/backfills/{requestId}")
@OperatorOnly
@Tag(name = "backfills", description = "Backfill requests")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class RequestHistoryResource {

    /** Most attempts one history lists; a line is normally a handful (backfill.max-attempts, 16 per remainder). */
    static final int MAX_HISTORY = 500;

    private final RequestRepository requests;
    private final StreamStore streams;

    public RequestHistoryResource(RequestRepository requests, StreamStore streams) {
        this.requests = requests;
        this.streams = streams;
    }

    @GET
    @Operation(summary = "A request and its history: the requests it came from and those made for its remainder"
            + " (later attempts), oldest first, with their timestamps and outcomes")
    public TimelineViews.RequestHistory get(@PathParam("requestId") String requestId) {
        BackfillRequestEntity r = requestId.length() > 64 ? null : requests.find(requestId);
        if (r == null) {
            throw new Refusal(Refusal.Kind.NOT_FOUND, "no such request", "requestId", requestId);
        }
        StreamEntity s = streams.byId(r.streamId);
        // Up to the first attempt, then down through every request made for a remainder.
        BackfillRequestEntity root = r;
        Set<String> seen = new HashSet<>();
        seen.add(root.requestId);
        while (root.parentRequestId != null && seen.size() < MAX_HISTORY) {
            BackfillRequestEntity parent = requests.find(root.parentRequestId);
            if (parent == null || !seen.add(parent.requestId)) {
                break;
            }
            root = parent;
        }
        List<BackfillRequestEntity> line = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        Deque<BackfillRequestEntity> todo = new ArrayDeque<>(List.of(root));
        boolean truncated = false;
        while (!todo.isEmpty()) {
            BackfillRequestEntity next = todo.removeFirst();
            if (!listed.add(next.requestId)) {
                continue;
            }
            if (line.size() >= MAX_HISTORY) {
                truncated = true;
                break;
            }
            line.add(next);
            todo.addAll(requests.children(next.requestId));
        }
        line.sort(Comparator.comparing((BackfillRequestEntity e) -> e.createdAt).thenComparingInt(e -> e.attempt)
                .thenComparingLong(e -> e.startIndex));
        return new TimelineViews.RequestHistory(Views.RequestView.of(r, s),
                line.stream().map(e -> TimelineViews.AttemptView.of(e, s)).toList(), truncated);
    }
}
