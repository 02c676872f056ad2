package com.reliableedge.edge.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.binding.HttpPaths;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.MethodJson;

import io.quarkus.logging.Log;

/**
 * The HTTP binding: {@code POST {url}/api/v1/devices/{deviceId}/messages} with the message body, the
 * {@link HttpHeaderCodec} headers and a SAS {@code Authorization} signed with the device key over
 * {@code <HostName>/devices/<deviceId>}. 200 and 204 acknowledge; 400 and 413 reject for good; anything else is
 * retried. Method calls come the other way as {@code POST /api/v1/methods/backfill} to the relay's own HTTP server
 * ({@link HttpMethodResource}), which hands them to {@link #receive}: signed with the same key over the same resource,
 * or 401 and nothing changes.
 */
public class HttpTransport implements Transport {

    private final URI messagesUri;
    private final ConnectionString connection;
    private final Duration timeout;
    private final Duration tokenTtl;
    private final Clock clock;
    private final HttpClient client;
    private volatile String token;
    private volatile Instant tokenRenewAt = Instant.MIN;
    private volatile MethodHandler methods;

    public HttpTransport(URI baseUrl, ConnectionString connection, Duration timeout, Duration tokenTtl, Clock clock) {
        this(baseUrl, connection.deviceId(), connection, timeout, tokenTtl, clock);
    }

    /** @param connection {@code null} to send unsigned requests (only useful against a test sink) */
    public HttpTransport(URI baseUrl, String deviceId, ConnectionString connection, Duration timeout,
            Duration tokenTtl, Clock clock) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.messagesUri = URI.create(base + HttpPaths.messages(deviceId));
        this.connection = connection;
        this.timeout = timeout;
        this.tokenTtl = tokenTtl;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI messagesUri() {
        return messagesUri;
    }

    private String authorization() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(tokenRenewAt)) {
            token = SasToken.sign(connection, now, tokenTtl);
            // Renew at half its life, so a token never expires in flight.
            tokenRenewAt = now.plus(tokenTtl.dividedBy(2));
        }
        return token;
    }

    @Override
    public Result send(Envelope envelope, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(messagesUri).timeout(timeout).POST(
                HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> h : HttpHeaderCodec.encode(envelope).entrySet()) {
            request.header(h.getKey(), h.getValue());
        }
        if (connection != null) {
            request.header(HttpHeaderCodec.AUTHORIZATION, authorization());
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            String detail = status + " " + abbreviate(response.body());
            if (status == 200 || status == 204) {
                return new Result(Outcome.ACKED, detail);
            }
            if (status == 400 || status == 413) {
                return new Result(Outcome.REJECTED, detail, rejectionReason(status, response.body()));
            }
            return new Result(Outcome.RETRY, detail);
        } catch (IOException e) {
            return new Result(Outcome.RETRY, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.RETRY, "interrupted");
        }
    }

    @Override
    public void serveMethods(MethodHandler handler) {
        this.methods = handler;
    }

    /**
     * One method call that arrived over HTTP: checks the caller's SAS token against this device's key and the payload's
     * charset, then hands it to the handler.
     *
     * @param authorization the request's {@code Authorization} header, or null
     * @param contentType the request's {@code Content-Type} header, or null
     */
    public MethodReply receive(String methodName, String authorization, String contentType, byte[] payload) {
        SasToken.Verdict verdict;
        try {
            verdict = connection == null
                    ? SasToken.Verdict.BAD_SIGNATURE
                    : SasToken.verify(authorization, connection.deviceResource(), connection.sharedAccessKey(), clock
                            .instant());
        } catch (ProtocolException e) {
            verdict = SasToken.Verdict.BAD_SIGNATURE;
        }
        if (verdict != SasToken.Verdict.VALID) {
            Log.warnf("Refused a method call: %s", verdict);
            return new MethodReply(401, new BackfillResponse(null, BackfillResponse.Result.REJECTED,
                    "not signed for this device: " + verdict).toJson());
        }
        String charset = charset(contentType);
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            // Only the charset's name is shown, and only when it is short and plain.
            String shown = charset.length() <= 40 && charset.matches("[A-Za-z0-9._:-]+") ? "'" + charset + "' " : "";
            return new MethodReply(415, new BackfillResponse(null, BackfillResponse.Result.REJECTED,
                    "Content-Type charset " + shown + "is not supported: the payload is UTF-8").toJson());
        }
        MethodHandler handler = methods;
        return handler == null ? MethodReply.notServing() : handler.handle(methodName, payload);
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

    @Override
    public boolean reachable() {
        int port = messagesUri.getPort() > 0
                ? messagesUri.getPort()
                : "https".equalsIgnoreCase(messagesUri.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(messagesUri.getHost(), port), (int) Math.min(2_000, timeout
                    .toMillis()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Why the cloud refused a message, as a label safe to count by: the {@code field} its error body names (the
     * cloud answers {@code {"error", "field", "value"}}) when it looks like a field name, else {@code tooLarge} for
     * 413 and {@code malformed} for 400.
     */
    static String rejectionReason(int status, String body) {
        String fallback = status == 413 ? "tooLarge" : "malformed";
        if (body == null || body.isEmpty() || body.length() > 16 * 1024) {
            return fallback;
        }
        try {
            JsonNode field = MethodJson.readObject("body", body.getBytes(StandardCharsets.UTF_8), 16 * 1024).get(
                    "field");
            if (field != null && field.isTextual() && field.textValue().matches("[A-Za-z0-9._-]{1,64}")) {
                return field.textValue();
            }
        } catch (ProtocolException e) {
            // Not the cloud's JSON error: count it under the status.
        }
        return fallback;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
