package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/** The limits on what one device may create and on how slowly a client may send. */
@QuarkusTest
@TestProfile(IngestLimitsTest.Limits.class)
class IngestLimitsTest extends ServiceTestBase {

    static final int MAX_STREAMS = 3;

    /** Small limits, so that the test reaches them quickly. */
    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backfill.max-streams-per-device", Integer.toString(MAX_STREAMS),
                    "quarkus.http.idle-timeout", "2s", "backfill.http.body-timeout", "3s");
        }
    }

    /**
     * The 2 s idle timeout also cuts a request the server takes longer than that to answer, as the very first ones
     * of a cold service on a busy machine may: warm it up first.
     */
    @BeforeEach
    void warmUp() {
        Edge warm = Edge.register("warm-up", fakeEdge.url());
        long[] seq = {0};
        await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> {
            seq[0]++;
            return warm.live("w", IndexKind.SEQUENCE, seq[0] * 10, seq[0] * 10 + 10, seq[0], 10).statusCode() == 200;
        });
        Database.clear();
    }

    @Test
    void aDeviceCannotCreateMoreStreamsThanTheLimit() {
        Edge edge = Edge.register("lim-1", fakeEdge.url());
        for (int i = 0; i < MAX_STREAMS; i++) {
            edge.live("s-" + i, IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        }
        edge.live("s-extra", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(400)
                .body("field", equalTo("batchId")).body("value", equalTo("s-extra"))
                .body("error", containsString("backfill.max-streams-per-device"));
        // Its existing streams go on; another device has its own allowance.
        edge.live("s-0", IndexKind.SEQUENCE, 10, 20, 2, 0).then().statusCode(200);
        Edge.register("lim-2", fakeEdge.url()).live("s-0", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        assertThat(Database.count("stream", "device_id = 'lim-1'")).isEqualTo(MAX_STREAMS);
        // Only these devices' batches: a warm-up request cut by the idle timeout may still commit after the clear.
        assertThat(Database.count("recorded_batch",
                "stream_id in (select id from stream where device_id in ('lim-1', 'lim-2'))"))
                .isEqualTo(MAX_STREAMS + 2);
    }

    @Test
    void concurrentCreationsDoNotPassTheLimitTogether() throws Exception {
        Edge edge = Edge.register("lim-3", fakeEdge.url());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String stream = "c-" + i;
                answers.add(pool.submit(() -> edge.live(stream, IndexKind.SEQUENCE, 0, 10, 1, 0).statusCode()));
            }
            int recorded = 0;
            for (Future<Integer> a : answers) {
                int status = a.get();
                assertThat(status).isIn(200, 400);
                recorded += status == 200 ? 1 : 0;
            }
            assertThat(recorded).isEqualTo(MAX_STREAMS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(Database.count("stream", "device_id = 'lim-3'")).isEqualTo(MAX_STREAMS);
    }

    @Test
    void aClientThatStopsInItsHeadersIsDisconnected() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /api/v1/devices/lim-4/messages HTTP/1.1\r\nHost: 127.0.0.1\r\niothub-app-batch");
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> closed(socket));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aClientThatStopsInItsBodyIsDisconnected() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /api/v1/devices/lim-5/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"index\":");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> closed(socket));
        }
    }

    @Test
    void aClientThatTricklesItsBodyIsDisconnectedAfterTheBodyTimeout() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "POST /api/v1/devices/lim-6/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[");
            long start = System.nanoTime();
            // A byte every 300 ms keeps the connection from ever being idle for the 2 s idle timeout.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                try {
                    send(socket, " ");
                } catch (IOException e) {
                    return true;
                }
                return closed(socket);
            });
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2_500)).isLessThan(Duration.ofSeconds(15));
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(100);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Whether the server closed the connection: end of stream or reset; a read that merely times out is open. */
    private static boolean closed(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int n = in.read(buffer);
            // An answer (such as a 408) followed by the close also counts; keep reading until the end.
            while (n > 0) {
                n = in.read(buffer);
            }
            return n < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
