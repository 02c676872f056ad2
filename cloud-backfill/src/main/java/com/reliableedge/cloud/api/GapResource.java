package com.reliableedge.cloud.api;

import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.GapRepository;
import com.reliableedge.protocol.ProtocolException;

/** Gaps of all streams (operator API). */
@Path("/api/v1/gaps")
@OperatorOnly
@Tag(name = "gaps", description = "Gaps: OPEN, CLOSED (filled) or LOST")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class GapResource {

    private final BackfillConfig config;
    private final GapRepository gaps;

    public GapResource(BackfillConfig config, GapRepository gaps) {
        this.config = config;
        this.gaps = gaps;
    }

    @GET
    @Operation(summary = "Gaps in a state (default OPEN), oldest observed first, at most `limit`")
    public List<Views.GapView> list(@QueryParam("state") @DefaultValue("OPEN") String state,
            @QueryParam("limit") String limitParam) {
        GapEntity.State wanted = parseState(state);
        int limit = QueryParams.limit(limitParam, 1000, StreamResource.MAX_LIMIT);
        return gaps.inState(wanted, limit).stream().map(row -> Views.GapView.of(row.stream(), row.gap(), config))
                .toList();
    }

    private static GapEntity.State parseState(String state) {
        try {
            return GapEntity.State.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("state", state, "must be OPEN, CLOSED or LOST", e);
        }
    }
}
