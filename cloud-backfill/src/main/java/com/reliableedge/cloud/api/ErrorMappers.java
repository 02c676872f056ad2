package com.reliableedge.cloud.api;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.reliableedge.protocol.ProtocolException;

/** Turns refusals into 4xx answers with an {@link ErrorResponse} body. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response protocol(ProtocolException e) {
        return json(400, new ErrorResponse(e.getMessage(), e.field(), e.value()));
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(e.status(), e.toResponse());
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
        return json(status, new ErrorResponse(e.getMessage(), null, null));
    }

    static Response json(int status, ErrorResponse body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
