package com.reliableedge.edge.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;
import com.reliableedge.protocol.message.Envelope;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the cloud's HTTP ingest on 127.0.0.1 and a free port: checks the SAS token and the headers,
 * records every message it accepts, and answers with the status the test chooses.
 */
public final class RecordingHttpSink implements AutoCloseable {

    /** One message as received: its envelope, body and the status it was answered with. */
    public record Received(String deviceId, Envelope envelope, byte[] body, int status) {
    }

    private final HttpServer server;
    private final ConnectionString device;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private volatile IntSupplier status = () -> 204;

    public RecordingHttpSink(ConnectionString device) throws IOException {
        this(device, 0);
    }

    /** @param port the port to listen on, {@code 0} for any free one (a given one brings a stopped sink back) */
    public RecordingHttpSink(ConnectionString device, int port) throws IOException {
        this.device = device;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/api/v1/devices/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The status every following message is answered with (204 by default). */
    public void answer(IntSupplier status) {
        this.status = status;
    }

    /** Messages answered 200 or 204. */
    public List<Received> acknowledged() {
        return received.stream().filter(r -> r.status() == 200 || r.status() == 204).toList();
    }

    public List<Received> all() {
        return new ArrayList<>(received);
    }

    public int requests() {
        return requests.get();
    }

    /** Requests refused for authentication or malformed headers, with why. */
    public List<String> refused() {
        return refused;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.split("/");
            if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 6 || !"messages".equals(parts[5])) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String deviceId = parts[4];
            String auth = exchange.getRequestHeaders().getFirst(HttpHeaderCodec.AUTHORIZATION);
            SasToken.Verdict verdict;
            try {
                verdict = SasToken.verify(auth, SasToken.deviceResource(device.hostName(), deviceId), device
                        .sharedAccessKey(), Instant.now());
            } catch (ProtocolException e) {
                verdict = SasToken.Verdict.BAD_SIGNATURE;
            }
            if (verdict != SasToken.Verdict.VALID || !deviceId.equals(device.deviceId())) {
                refused.add("401 " + verdict);
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
            Envelope envelope;
            try {
                envelope = HttpHeaderCodec.decode(headers);
            } catch (ProtocolException e) {
                refused.add("400 " + e.getMessage());
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            int answer = status.getAsInt();
            received.add(new Received(deviceId, envelope, body, answer));
            exchange.sendResponseHeaders(answer, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
