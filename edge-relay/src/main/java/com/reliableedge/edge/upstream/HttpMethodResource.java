package com.reliableedge.edge.upstream;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.reliableedge.protocol.binding.HttpPaths;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

/**
 * The {@code backfill} direct method over HTTP (PROTOCOL.md section 7): {@code POST /api/v1/methods/backfill} with the
 * request payload and a SAS {@code Authorization}, checked and dispatched by the {@link HttpTransport}. With another
 * upstream kind, methods come over that transport and this endpoint answers 404.
 */
@Path(HttpPaths.BACKFILL_METHOD)
public class HttpMethodResource {

    private final Transport transport;

    public HttpMethodResource(Transport transport) {
        this.transport = transport;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response backfill(@HeaderParam("Authorization") String authorization,
            @HeaderParam("Content-Type") String contentType, byte[] payload) {
        if (!(transport instanceof HttpTransport http)) {
            return Response.status(404).entity(new BackfillResponse(null, BackfillResponse.Result.REJECTED,
                    "methods come over the configured upstream (relay.upstream.kind), not over HTTP").toJson())
                    .build();
        }
        MethodReply reply = http.receive(BackfillRequest.METHOD_NAME, authorization, contentType, payload);
        return Response.status(reply.status()).entity(reply.payload()).build();
    }
}
