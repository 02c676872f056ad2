package com.reliableedge.edge.backfill;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.reliableedge.edge.config.DeviceIdentity;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpPaths;
import com.reliableedge.protocol.method.BackfillResponse;

import io.quarkus.logging.Log;

/**
 * The {@code backfill} direct method over HTTP (PROTOCOL.md section 7): {@code POST /api/v1/methods/backfill} with the
 * request payload and a SAS {@code Authorization} signed with this device's key over its resource; anything else is
 * 401 and changes nothing.
 */
@Path(HttpPaths.BACKFILL_METHOD)
public class BackfillMethodResource {

    private final DeviceIdentity device;
    private final BackfillService service;
    private final BackfillWorker worker;

    public BackfillMethodResource(DeviceIdentity device, BackfillService service, BackfillWorker worker) {
        this.device = device;
        this.service = service;
        this.worker = worker;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response backfill(@HeaderParam("Authorization") String authorization,
            @HeaderParam("Content-Type") String contentType, byte[] payload) {
        ConnectionString connection = device.connection();
        SasToken.Verdict verdict;
        try {
            verdict = connection == null
                    ? SasToken.Verdict.BAD_SIGNATURE
                    : SasToken.verify(authorization, connection.deviceResource(), connection.sharedAccessKey(),
                            Instant.now());
        } catch (ProtocolException e) {
            verdict = SasToken.Verdict.BAD_SIGNATURE;
        }
        if (verdict != SasToken.Verdict.VALID) {
            Log.warnf("Refused a backfill call: %s", verdict);
            return Response.status(Response.Status.UNAUTHORIZED).entity(new BackfillResponse(null,
                    BackfillResponse.Result.REJECTED, "not signed for this device: " + verdict).toJson()).build();
        }
        String charset = charset(contentType);
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            // Only the charset's name is shown, and only when it is short and plain.
            String shown = charset.length() <= 40 && charset.matches("[A-Za-z0-9._:-]+") ? "'" + charset + "' " : "";
            return Response.status(415).entity(new BackfillResponse(null, BackfillResponse.Result.REJECTED,
                    "Content-Type charset " + shown + "is not supported: the payload is UTF-8").toJson()).build();
        }
        BackfillResponse answer = service.accept(payload);
        if (answer.result() == BackfillResponse.Result.ACCEPTED) {
            worker.wake();
        } else {
            Log.infof("Backfill call answered %d: %s", answer.status(), answer.message());
        }
        return Response.status(answer.status()).entity(answer.toJson()).build();
    }

    /** The {@code charset} parameter of a Content-Type header (unquoted), or {@code null} when there is none. */
    static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String value = part.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }
}
