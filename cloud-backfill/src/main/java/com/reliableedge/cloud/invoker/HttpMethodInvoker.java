package com.reliableedge.cloud.invoker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpPaths;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

import io.quarkus.logging.Log;

/**
 * The {@code http} method invoker (PROTOCOL.md section 7): {@code POST {methodUrl}/api/v1/methods/backfill} with the
 * method payload, signed with the device's key over {@code <hubHostName>/devices/<deviceId>}.
 */
public class HttpMethodInvoker implements MethodInvoker {

    private final HttpClient client;
    private final Duration responseTimeout;
    private final Duration tokenTtl;
    private final String hubHostName;
    private final Clock clock;

    public HttpMethodInvoker(Duration connectTimeout, Duration responseTimeout, Duration tokenTtl, String hubHostName,
            Clock clock) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.responseTimeout = responseTimeout;
        this.tokenTtl = tokenTtl;
        this.hubHostName = hubHostName;
        this.clock = clock;
    }

    @Override
    public MethodResult invoke(MethodTarget target, BackfillRequest request) {
        if (target.methodUrl() == null || target.methodUrl().isBlank()) {
            // Registered without one (a device reached over MQTT or IoT Hub): nothing to call over HTTP.
            return MethodResult.noAnswer("device " + target.deviceId() + " has no method URL");
        }
        URI uri;
        try {
            String base = target.methodUrl().endsWith("/")
                    ? target.methodUrl().substring(0, target.methodUrl().length() - 1)
                    : target.methodUrl();
            uri = URI.create(base + HttpPaths.BACKFILL_METHOD);
        } catch (IllegalArgumentException e) {
            return MethodResult.noAnswer("bad method URL: " + e.getMessage());
        }
        String token = SasToken.sign(SasToken.deviceResource(hubHostName, target.deviceId()), target.sharedKey(),
                clock.instant().plus(tokenTtl));
        HttpRequest http = HttpRequest.newBuilder(uri).timeout(responseTimeout)
                .header("Content-Type", "application/json")
                .header("Authorization", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toJson()))
                .build();
        try {
            HttpResponse<byte[]> response = client.send(http, HttpResponse.BodyHandlers.ofByteArray());
            return new MethodResult(response.statusCode(), readPayload(response.body()),
                    "HTTP " + response.statusCode());
        } catch (HttpTimeoutException e) {
            return MethodResult.noAnswer("timed out: " + e.getMessage());
        } catch (IOException e) {
            return MethodResult.noAnswer("transport error: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MethodResult.noAnswer("interrupted");
        }
    }

    private static BackfillResponse readPayload(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return BackfillResponse.fromJson(body);
        } catch (ProtocolException e) {
            Log.debugf("unreadable method response payload: %s", e.getMessage());
            return null;
        }
    }
}
