package com.reliableedge.cloud.api;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.reliableedge.cloud.scan.StreamParking;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;

import io.quarkus.narayana.jta.QuarkusTransaction;

/** Un-parks a stream whose scan failed, so that the next scan plans it at once (operator API). */
@Path("/api/v1/streams/{deviceId}/{batchId}/unpark")
@OperatorOnly
@Tag(name = "streams", description = "Streams, coverage, gaps and events")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class StreamParkResource {

    /** The answer: whether the stream was parked, and why. */
    public record Unparked(String deviceId, String batchId, boolean wasParked, String reason) {
    }

    private final StreamStore streams;

    public StreamParkResource(StreamStore streams) {
        this.streams = streams;
    }

    @POST
    @Operation(summary = "Un-park a stream that the scanner parked after a failure; the next scan plans it")
    public Unparked unpark(@PathParam("deviceId") String deviceId, @PathParam("batchId") String batchId) {
        StreamEntity found = StreamResource.stream(streams, deviceId, batchId);
        return QuarkusTransaction.requiringNew().call(() -> {
            StreamEntity s = streams.lock(found.id);
            boolean wasParked = s.scanParkedUntil != null;
            String reason = s.scanParkReason;
            StreamParking.clear(s);
            return new Unparked(s.deviceId, s.batchId, wasParked, reason);
        });
    }
}
