package com.reliableedge.cloud.api;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.cloud.scan.OperatorBackfills;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.RequestState;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.MethodJson;

import io.quarkus.narayana.jta.QuarkusTransaction;

/** Backfill requests (operator API): list them, or ask for a window. */
@Path("/api/v1/backfills")
@OperatorOnly
@Tag(name = "backfills", description = "Backfill requests")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class BackfillResource {

    private final Clock clock;
    private final StreamStore streams;
    private final RequestRepository requests;
    private final OperatorBackfills operatorBackfills;

    public BackfillResource(Clock clock, StreamStore streams, RequestRepository requests,
            OperatorBackfills operatorBackfills) {
        this.clock = clock;
        this.streams = streams;
        this.requests = requests;
        this.operatorBackfills = operatorBackfills;
    }

    @GET
    @Operation(summary = "Requests, newest first, optionally in one state")
    public List<Views.RequestView> list(@QueryParam("state") String state,
            @QueryParam("limit") String limitParam) {
        int limit = QueryParams.limit(limitParam, 1000, StreamResource.MAX_LIMIT);
        Optional<RequestState> wanted = state == null || state.isEmpty()
                ? Optional.empty()
                : Optional.of(parseState(state));
        return requests.newestFirst(wanted, limit).stream()
                .map(row -> Views.RequestView.of(row.request(), row.stream())).toList();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Ask for a window: {deviceId, batchId, startWindow, endWindow}; even lost or failed ones."
            + " Answers the requests created now; the scanner creates the rest of a wide window a few at a time")
    public Response create(byte[] body) {
        JsonNode node = MethodJson.readObject("body", body, OperatorBodies.MAX_BYTES);
        String deviceId = MethodJson.requiredText(node, "deviceId");
        String batchId = MethodJson.requiredText(node, "batchId");
        String start = MethodJson.requiredText(node, Window.START_FIELD);
        String end = MethodJson.requiredText(node, Window.END_FIELD);
        StreamEntity found = StreamResource.stream(streams, deviceId, batchId);
        Window window = Window.parse(found.indexKind, start, end);
        List<Views.RequestView> created = QuarkusTransaction.requiringNew().call(() -> {
            StreamEntity s = streams.lock(found.id);
            // Lazily: the first windows now, the scanner creates the rest a few at a time.
            return operatorBackfills.request(s, new Window(window.start(), window.end()), clock.instant())
                    .stream().map(r -> Views.RequestView.of(r, s)).toList();
        });
        return Response.status(201).entity(created).build();
    }

    private static RequestState parseState(String state) {
        try {
            return RequestState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("state", state,
                    "must be PENDING, REQUESTED, COMPLETED, UNRECOVERABLE or FAILED", e);
        }
    }
}
