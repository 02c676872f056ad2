package com.reliableedge.cloud.api;

import java.io.IOException;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.health.Readiness;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.health.DatabaseFaults;
import com.reliableedge.cloud.health.DatabaseWritableCheck;
import com.reliableedge.protocol.ProtocolException;

import io.quarkus.logging.Log;

/**
 * Turns refusals into 4xx answers with an {@link ErrorResponse} body; a database that cannot be written into 503
 * with {@code Retry-After} (every sender retries it); anything else into a bare 500. No answer carries an
 * exception's class or a parser's message.
 */
public class ErrorMappers {

    private final BackfillConfig config;
    private final DatabaseWritableCheck writable;

    public ErrorMappers(BackfillConfig config, @Readiness DatabaseWritableCheck writable) {
        this.config = config;
        this.writable = writable;
    }

    @ServerExceptionMapper
    public Response protocol(ProtocolException e) {
        return json(400, new ErrorResponse(e.getMessage(), e.field(), e.value()));
    }

    @ServerExceptionMapper
    public Response refusal(Refusal e) {
        return json(e.kind().status, new ErrorResponse(e.getMessage(), e.field(), e.value()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return json(404, new ErrorResponse("no such resource", null, null));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return e.getResponse();
        }
        // The framework's own refusals (415, 405, 406, a query parameter it could not convert): its message may
        // name classes, so the body says only what the status means.
        return json(status, new ErrorResponse(Response.Status.fromStatusCode(status) == null
                ? "refused"
                : Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase(java.util.Locale.ROOT), null,
                null));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (e instanceof IOException) {
            // The client went away or was cut off (SlowClientGuard, the idle timeout) while sending: nobody hears
            // this answer.
            Log.debugf("Request cut off: %s", e.toString());
            return json(400, new ErrorResponse("the request was cut off", "body", null));
        }
        if (DatabaseFaults.isDatabaseFault(e)) {
            writable.writeFailed(e);
            Log.warnf("The database failed; answering 503: %s", e.toString());
            long seconds = Math.max(1, config.unavailableRetryAfter().toSeconds());
            return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", seconds)
                    .entity(new ErrorResponse("the database is unavailable; retry later", null, null)).build();
        }
        Log.error("Unexpected failure; answering 500", e);
        return json(500, new ErrorResponse("internal error", null, null));
    }

    static Response json(int status, ErrorResponse body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
