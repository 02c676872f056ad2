package com.reliableedge.cloud.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import com.reliableedge.cloud.config.BackfillConfig;

/**
 * Checks the operator's bearer key on {@link OperatorOnly} resources; 401 without it. Without a configured key the
 * operator API is closed to everyone.
 */
@Provider
@OperatorOnly
@Priority(Priorities.AUTHENTICATION)
public class OperatorKeyFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";

    // Filters are created at static init, before runtime configuration exists: look it up on first use.
    private final Instance<BackfillConfig> config;

    public OperatorKeyFilter(Instance<BackfillConfig> config) {
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String problem = check(header);
        if (problem != null) {
            request.abortWith(Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .entity(new ErrorResponse(problem, HttpHeaders.AUTHORIZATION, null)).build());
        }
    }

    private String check(String header) {
        Optional<String> key = config.get().operatorKey();
        if (key.isEmpty() || key.get().isBlank()) {
            return "the operator API is closed: backfill.operator-key is not configured";
        }
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "Authorization: Bearer <operator key> is required";
        }
        byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = key.get().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, expected) ? null : "the operator key is wrong";
    }
}
