package com.reliableedge.cloud.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/** Calls to the service running as a separate process (the packaged-app tests), over plain HTTP. */
public final class ProcessApi {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ProcessApi() {
    }

    /** A GET with the operator key. */
    public static HttpResponse<String> get(String base, String operatorKey, String path) throws IOException,
            InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer "
                + operatorKey).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Registers a device and returns its connection string. */
    public static ConnectionString register(String base, String operatorKey, String deviceId, String methodUrl)
            throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/devices"))
                .header("Authorization", "Bearer " + operatorKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"" + deviceId + "\",\"methodUrl\":\""
                        + methodUrl + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        Matcher m = Pattern.compile("\"connectionString\":\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        return ConnectionString.parse(m.group(1));
    }

    /** Sends a message signed by the device and checks that it was acknowledged. */
    public static void send(String base, ConnectionString device, MessageProperties properties, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/api/v1/devices/" + device.deviceId()
                + "/messages")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> h : HttpHeaderCodec.encode(Envelope.of(device.deviceId(), properties))
                .entrySet()) {
            req.header(h.getKey(), h.getValue());
        }
        req.header("Authorization", SasToken.sign(device, Instant.now(), Duration.ofMinutes(10)));
        HttpResponse<String> response = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
