package com.reliableedge.systemtest.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class FaultProxyTest {

    private HttpServer target;
    private FaultProxy proxy;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        target.start();
        proxy = FaultProxy.start(target.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        proxy.close();
        target.stop(0);
    }

    @Test
    void passesRequestsThrough() throws Exception {
        assertThat(post("hello").body()).isEqualTo("ok");
        assertThat(received).containsExactly("hello");
    }

    @Test
    void refusesConnections() {
        proxy.setFault(Fault.REFUSE);
        assertThatThrownBy(() -> post("lost")).isInstanceOf(IOException.class);
        assertThat(received).isEmpty();
    }

    @Test
    void blackHolesUntilTheClientGivesUp() {
        proxy.setFault(Fault.BLACK_HOLE);
        assertThatThrownBy(() -> post("lost", Duration.ofMillis(500))).isInstanceOf(HttpTimeoutException.class);
        assertThat(received).isEmpty();
    }

    @Test
    void cutsARequestMidWay() {
        proxy.setFault(new Fault.CutAfter(40));
        assertThatThrownBy(() -> post("x".repeat(10_000))).isInstanceOf(IOException.class);
        assertThat(received).isEmpty();
    }

    @Test
    void delaysButDelivers() throws Exception {
        proxy.setFault(new Fault.Delay(Duration.ofMillis(100)));
        long start = System.nanoTime();
        assertThat(post("slow").body()).isEqualTo("ok");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(received).containsExactly("slow");
    }

    @Test
    void duplicatesEachRequest() throws Exception {
        proxy.setFault(Fault.DUPLICATE_REQUESTS);
        assertThat(post("twice").body()).isEqualTo("ok");
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("twice", "twice");
        assertThat(proxy.duplicatedRequests()).isEqualTo(1);
    }

    @Test
    void healsWhenTheFaultIsLifted() throws Exception {
        proxy.setFault(Fault.REFUSE);
        assertThatThrownBy(() -> post("lost")).isInstanceOf(IOException.class);
        proxy.setFault(Fault.PASS);
        assertThat(post("back").body()).isEqualTo("ok");
        assertThat(received).containsExactly("back");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return post(body, Duration.ofSeconds(5));
    }

    private HttpResponse<String> post(String body, Duration timeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/messages"))
                .timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        // A fresh client per request, so every request takes a new connection under the current fault.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request,
                HttpResponse.BodyHandlers.ofString());
    }
}
