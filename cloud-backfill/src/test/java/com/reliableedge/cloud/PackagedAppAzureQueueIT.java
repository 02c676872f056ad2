package com.reliableedge.cloud;

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

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueServiceVersion;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.fixtures.Azurite;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The packaged application with {@code backfill.queue.kind=azure-storage-queue} on a real Azurite: it starts, creates
 * its queue and poison queue, and an accepted request's retry message lands in the Azure queue after its commit.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppAzureQueueIT.OnAzurite.class)
class PackagedAppAzureQueueIT {

    private static volatile Azurite azurite;

    /** Azurite, a fresh H2 file and short delays for the packaged app. */
    public static class OnAzurite implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory("cloud-backfill-azure-it");
                azurite = Azurite.start(dir.resolve("azurite"));
                return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + dir.resolve("db")
                        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0", "backfill.operator-key", Edge.OPERATOR_KEY,
                        "backfill.detection-delay", "1s", "backfill.scan-interval", "1s",
                        "backfill.retry-backoff", "1s", "backfill.invoker.response-timeout", "2s",
                        "backfill.queue.kind", "azure-storage-queue", "backfill.queue.connection-string",
                        azurite.connectionString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (azurite != null) {
                azurite.close();
            }
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

    private static QueueClient queue(String name) {
        return new QueueClientBuilder().connectionString(azurite.connectionString()).queueName(name)
                .serviceVersion(QueueServiceVersion.V2025_11_05).buildClient();
    }

    @Test
    void anAcceptedRequestsRetryMessageIsInTheAzureQueue() {
        QueueClient retry = queue("backfill-retry");
        assertThat(queue("backfill-retry-poison").getProperties().getApproximateMessagesCount())
                .as("the poison queue, created at startup, empty").isZero();
        assertThat(retry.getProperties().getApproximateMessagesCount()).isZero();

        Edge edge = Edge.register("azure-it-1", fakeEdge.url());
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", IndexKind.SEQUENCE, 30, 40, 2, 0).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !fakeEdge.calls().isEmpty());
        BackfillRequest call = fakeEdge.calls().get(0).request();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> retry.getProperties().getApproximateMessagesCount() == 1);
        assertThat(retry.peekMessages(32, null, null)).as("hidden until the request's expiry").isEmpty();

        edge.backfill("s", IndexKind.SEQUENCE, 10, 30, call.requestId()).then().statusCode(200);
        edge.status("s", IndexKind.SEQUENCE, 10, 30, call.requestId(), BackfillStatus.Outcome.COMPLETED, null)
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> Edge.operator().get("/api/v1/backfills")
                .then().statusCode(200).body("[0].state", equalTo("COMPLETED")));
        assertThat(fakeEdge.calls()).hasSize(1);
    }
}
