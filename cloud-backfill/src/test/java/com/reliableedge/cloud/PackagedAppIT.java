package com.reliableedge.cloud;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The packaged application end to end, with its real scheduler and database clock: a gap is found, requested from
 * the (fake) edge, filled by backfill, and its request completes.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppIT.ShortDelays.class)
class PackagedAppIT {

    /** A fresh H2 file and short delays for the packaged app. */
    public static class ShortDelays implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory("cloud-backfill-it");
                return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + dir.resolve("db")
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", "backfill.operator-key", Edge.OPERATOR_KEY,
                        "backfill.detection-delay", "1s", "backfill.scan-interval", "1s",
                        "backfill.retry-backoff", "1s", "backfill.invoker.response-timeout", "2s",
                        "quarkus.log.category.\"com.reliableedge\".level", "DEBUG");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            // The temporary directory is left to the OS.
        }
    }

    private FakeEdge fakeEdge;

    @BeforeEach
    void start() {
        fakeEdge = new FakeEdge();
    }

    @AfterEach
    void stop() {
        fakeEdge.close();
    }

    @Test
    void aGapIsFoundRequestedFilledAndCompleted() {
        Edge edge = Edge.register("it-1", fakeEdge.url());
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", IndexKind.SEQUENCE, 30, 40, 2, 0).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !fakeEdge.calls().isEmpty());
        BackfillRequest call = fakeEdge.calls().get(0).request();
        assertThat(call.startWindow()).isEqualTo("10");
        assertThat(call.endWindow()).isEqualTo("30");

        edge.backfill("s", IndexKind.SEQUENCE, 10, 30, call.requestId()).then().statusCode(200);
        edge.status("s", IndexKind.SEQUENCE, 10, 30, call.requestId(), BackfillStatus.Outcome.COMPLETED, null)
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> Edge.operator().get("/api/v1/backfills")
                .then().statusCode(200).body("[0].state", equalTo("COMPLETED")));
        Edge.operator().get("/api/v1/streams/it-1/s").then().body("stream.state", equalTo("HEALTHY"))
                .body("coverage[0].endWindow", equalTo("40"));
        given().get("/q/health/ready").then().statusCode(200);
        assertThat(fakeEdge.calls()).hasSize(1);
    }
}
