package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for an edge relay's method endpoint: a JDK HTTP server on 127.0.0.1 and a free port that records every
 * {@code backfill} call and answers as the test says.
 */
public final class FakeEdge implements AutoCloseable {

    /** One received call. */
    public record Call(BackfillRequest request, String authorization) {
    }

    /** An answer: status code and payload; a negative status means "never answer" (until closed). */
    public record Answer(int status, byte[] body) {

        public static Answer of(BackfillResponse.Result result, String requestId) {
            return new Answer(result.status(), new BackfillResponse(requestId, result, null).toJson());
        }

        public static Answer hang() {
            return new Answer(-1, new byte[0]);
        }
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicReference<Function<BackfillRequest, Answer>> answers = new AtomicReference<>(
            r -> Answer.of(BackfillResponse.Result.ACCEPTED, r.requestId()));
    private final CountDownLatch closing = new CountDownLatch(1);

    public FakeEdge() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/v1/methods/backfill", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                BackfillRequest request = BackfillRequest.fromJson(in.readAllBytes());
                calls.add(new Call(request, exchange.getRequestHeaders().getFirst("Authorization")));
                Answer answer = answers.get().apply(request);
                if (answer.status() < 0) {
                    closing.await(30, TimeUnit.SECONDS);
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
            }
        });
        server.start();
    }

    /** The device's method URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void answer(Function<BackfillRequest, Answer> answer) {
        answers.set(answer);
    }

    public void answerAll(BackfillResponse.Result result) {
        answers.set(r -> Answer.of(result, r.requestId()));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public void clearCalls() {
        calls.clear();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
