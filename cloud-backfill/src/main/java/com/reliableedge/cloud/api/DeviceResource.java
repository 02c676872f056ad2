package com.reliableedge.cloud.api;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.security.DeviceAuthenticator;
import com.reliableedge.cloud.security.DeviceRegistry;
import com.reliableedge.cloud.store.DeviceEntity;
import com.reliableedge.cloud.store.DeviceRepository;
import com.reliableedge.protocol.method.MethodJson;

/** The device registry (operator API). */
@Path("/api/v1/devices")
@OperatorOnly
@Tag(name = "devices", description = "Device registry")
@SecurityRequirement(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    /** A device; {@code connectionString} (with the key) only in the answer to its creation. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceView(String deviceId, String methodUrl, Instant createdAt, String connectionString) {
    }

    private final DeviceRegistry registry;
    private final DeviceAuthenticator authenticator;
    private final DeviceRepository devices;

    public DeviceResource(DeviceRegistry registry, DeviceAuthenticator authenticator, DeviceRepository devices) {
        this.registry = registry;
        this.authenticator = authenticator;
        this.devices = devices;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Register a device: {deviceId, methodUrl (only for the http invoker)}; answers its connection string")
    public Response create(byte[] body) {
        JsonNode node = MethodJson.readObject("body", body, OperatorBodies.MAX_BYTES);
        // A device reached over MQTT or IoT Hub has no method URL: missing or null means none.
        JsonNode methodUrl = node.get("methodUrl");
        DeviceEntity d = registry.create(MethodJson.requiredText(node, "deviceId"),
                methodUrl == null || methodUrl.isNull() ? null : MethodJson.requiredText(node, "methodUrl"));
        return Response.status(201)
                .entity(new DeviceView(d.deviceId, d.methodUrl, d.createdAt, registry.connectionString(d).format()))
                .build();
    }

    @GET
    @Operation(summary = "List devices")
    public List<DeviceView> list() {
        return devices.all().stream()
                .map(d -> new DeviceView(d.deviceId, d.methodUrl, d.createdAt, null)).toList();
    }

    @GET
    @Path("{deviceId}")
    @Operation(summary = "One device")
    public DeviceView get(@PathParam("deviceId") String deviceId) {
        DeviceEntity d = devices.find(deviceId);
        if (d == null) {
            throw new Refusal(Refusal.Kind.NOT_FOUND, "device is not registered", "deviceId", deviceId);
        }
        return new DeviceView(d.deviceId, d.methodUrl, d.createdAt, null);
    }

    @DELETE
    @Path("{deviceId}")
    @Operation(summary = "Delete a device; its open requests fail")
    public Response delete(@PathParam("deviceId") String deviceId) {
        boolean deleted = registry.delete(deviceId);
        // After the commit, so that no message can put the key back in the cache.
        authenticator.forget(deviceId);
        if (!deleted) {
            throw new Refusal(Refusal.Kind.NOT_FOUND, "device is not registered", "deviceId", deviceId);
        }
        return Response.noContent().build();
    }
}
