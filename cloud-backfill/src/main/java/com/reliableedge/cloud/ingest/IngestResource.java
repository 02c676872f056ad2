package com.reliableedge.cloud.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.security.DeviceAuthenticator;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.binding.HttpPaths;
import com.reliableedge.protocol.index.Identifiers;
import com.reliableedge.protocol.message.Envelope;

/**
 * The HTTP binding's ingest (PROTOCOL.md section 7): authenticate the device in the path, decode the properties from
 * the headers, and hand the message to the one ingest path ({@link MessageIntake}); answers 200 only after the
 * commit, a 4xx JSON error (nothing stored) otherwise.
 */
@Path(HttpPaths.MESSAGES_TEMPLATE)
@Tag(name = "ingest", description = "Messages from edge relays (HTTP binding)")
public class IngestResource {

    /** The acknowledgement. */
    public record Ack(String messageId, String result) {
    }

    private final DeviceAuthenticator authenticator;
    private final MessageIntake intake;

    public IngestResource(DeviceAuthenticator authenticator, MessageIntake intake) {
        this.authenticator = authenticator;
        this.intake = intake;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest one message: a batch or a backfillStatus, properties in iothub-app-* headers")
    public Ack post(@PathParam("deviceId") String deviceId, @Context HttpHeaders headers, byte[] body) {
        Identifiers.require("deviceId", deviceId);
        authenticator.authenticate(deviceId, headers.getHeaderString(HttpHeaderCodec.AUTHORIZATION));
        byte[] payload = body == null ? new byte[0] : body;
        // Before the headers are read: a body too large is refused without looking further.
        intake.requireSize(payload.length);
        Map<String, String> byName = protocolHeaders(headers);
        requireUtf8(byName.get(HttpHeaderCodec.CONTENT_TYPE));
        Envelope envelope = HttpHeaderCodec.decode(byName);
        IngestResult result = intake.ingest(MessageIntake.Binding.HTTP, deviceId, envelope, payload);
        return new Ack(result.messageId(), result.outcome().name().toLowerCase(Locale.ROOT));
    }

    /**
     * The request's headers, one value per name (names in any case). A protocol header (a property, the message
     * id, the content type or encoding) that comes more than once is refused, even with equal values: which one
     * counts would otherwise be up to the HTTP stack.
     */
    static Map<String, String> protocolHeaders(HttpHeaders headers) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.getRequestHeaders().forEach((name, values) -> {
            if (name == null || values == null || values.isEmpty()) {
                return;
            }
            boolean protocol = isProtocolHeader(name);
            if (protocol && (values.size() > 1 || byName.containsKey(name))) {
                throw new ProtocolException(name, null, "appears more than once; each property is sent once");
            }
            byName.put(name, values.get(0));
        });
        return byName;
    }

    private static boolean isProtocolHeader(String name) {
        return name.regionMatches(true, 0, HttpHeaderCodec.APP_PREFIX, 0, HttpHeaderCodec.APP_PREFIX.length())
                || name.equalsIgnoreCase(HttpHeaderCodec.MESSAGE_ID)
                || name.equalsIgnoreCase(HttpHeaderCodec.CONTENT_TYPE)
                || name.equalsIgnoreCase(HttpHeaderCodec.CONTENT_ENCODING);
    }

    /** Bodies are UTF-8 (PROTOCOL.md section 2): a {@code charset} parameter naming anything else is 415. */
    static void requireUtf8(String contentType) {
        if (contentType == null) {
            return;
        }
        for (String parameter : contentType.split(";")) {
            int eq = parameter.indexOf('=');
            if (eq < 0 || !parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                continue;
            }
            String charset = parameter.substring(eq + 1).trim().replace("\"", "");
            if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                throw new Refusal(Refusal.Kind.UNSUPPORTED_MEDIA_TYPE, "the body must be UTF-8 (charset=utf-8 or none)",
                        HttpHeaderCodec.CONTENT_TYPE, contentType);
            }
        }
    }
}
