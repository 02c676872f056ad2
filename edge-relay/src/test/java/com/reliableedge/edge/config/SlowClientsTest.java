package com.reliableedge.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Slow or silent clients cannot hold a connection of the relay's HTTP server: the idle timeout and the deadline. */
@QuarkusTest
@TestProfile(SlowClientsTest.ShortTimeouts.class)
class SlowClientsTest {

    /** Timeouts short enough to watch. */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "1s", "relay.http.request-timeout", "2s");
        }
    }

    @TestHTTPResource("/")
    URL url;

    private static final String HEAD = "POST /api/v1/methods/backfill HTTP/1.1\r\nHost: 127.0.0.1\r\n";

    /** Reads until the server closes the connection; returns how long that took. */
    private static long millisUntilClosed(Socket socket, long startNanos) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // An answer (if any) is read through to the close.
            }
        } catch (SocketException reset) {
            // Closed by a reset: closed all the same.
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Test
    void aClientThatStopsInTheMiddleOfItsHeadersIsClosedAtTheIdleTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", url.getPort())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            socket.getOutputStream().write(HEAD.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(millisUntilClosed(socket, start)).isBetween(500L, 5_000L);
        }
    }

    @Test
    void aBodyThatDripsInIsClosedAtTheRequestDeadline() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", url.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            out.write((HEAD + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n").getBytes(
                    StandardCharsets.US_ASCII));
            out.flush();
            // One byte every 300 ms never lets the connection idle for the 1 s idle timeout.
            ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
            try {
                drip.scheduleAtFixedRate(() -> {
                    try {
                        out.write('{');
                        out.flush();
                    } catch (IOException closed) {
                        throw new IllegalStateException("closed", closed);
                    }
                }, 300, 300, TimeUnit.MILLISECONDS);
                assertThat(millisUntilClosed(socket, start)).isBetween(1_500L, 6_000L);
            } finally {
                drip.shutdownNow();
            }
        }
    }
}
