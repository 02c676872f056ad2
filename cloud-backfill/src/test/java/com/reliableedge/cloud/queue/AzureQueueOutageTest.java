package com.reliableedge.cloud.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.health.ScannerHealth;
import com.reliableedge.cloud.testing.AzureQueueProfile;
import com.reliableedge.cloud.testing.AzuriteResource;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.fixtures.Azurite;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The service on an Azure queue that goes down (Azurite stopped): a scan fails within seconds, naming the retry queue
 * for the readiness check, and still sweeps the requests whose expiry passed (the database is authoritative); a
 * request accepted meanwhile, whose retry message could not be sent, is swept once it expires; the first scan after
 * Azurite is back succeeds.
 */
@QuarkusTest
@TestProfile(AzureQueueProfile.class)
class AzureQueueOutageTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;

    @Inject
    BackfillConfig config;

    @Inject
    ScannerHealth health;

    @BeforeEach
    void emptyQueue() {
        AzureStorageRetryQueue.client(AzuriteResource.azurite().connectionString(), config.queue().name())
                .clearMessages();
    }

    private static JsonPath requests(String state) {
        return Edge.operator().get("/api/v1/backfills?state=" + state).then().statusCode(200).extract().jsonPath();
    }

    /** Past the expiry and the sweep's margin, with a live batch so that the stream is not stalled. */
    private void expire(Edge edge, long liveStart) {
        advance(config.expiry().plus(config.scanInterval()).plusSeconds(1));
        edge.live("s", SEQ, liveStart, liveStart + 1, liveStart, 0).then().statusCode(200);
    }

    @Test
    void withTheQueueDownAScanFailsFastNamingItAndStillSweepsExpiredRequests() {
        Edge edge = Edge.register("azure-outage-1", fakeEdge.url());
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", SEQ, 30, 40, 2, 0).then().statusCode(200);
        advance(config.detectionDelay());
        scan();
        assertThat(fakeEdge.calls()).hasSize(1);
        assertThat(requests("REQUESTED").getList("attempt", Integer.class)).containsExactly(1);

        Azurite azurite = AzuriteResource.azurite();
        azurite.stop();
        try {
            expire(edge, 40);
            long start = System.nanoTime();
            assertThatThrownBy(this::scan).hasMessageContaining("retry queue").hasMessageContaining(
                    "expired requests were swept");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a scan with the queue down")
                    .isLessThan(Duration.ofSeconds(20));
            assertThat(requests("PENDING").getList("attempt", Integer.class)).as("swept: the next attempt")
                    .containsExactly(2);
            assertThat(health.record().consecutiveFailures()).isEqualTo(1);
            assertThat(health.record().lastError()).contains("retry queue");

            // Sent and accepted while the queue is down: the row is REQUESTED, its retry message is lost.
            assertThatThrownBy(this::scan).hasMessageContaining("retry queue");
            assertThat(fakeEdge.calls()).hasSize(2);
            assertThat(requests("REQUESTED").getList("attempt", Integer.class)).containsExactly(2);
        } finally {
            azurite.start();
        }

        scan();
        assertThat(health.record().consecutiveFailures()).as("the first scan after Azurite is back").isZero();
        expire(edge, 41);
        scan();
        assertThat(requests("PENDING").getList("attempt", Integer.class)).as("the lost message's request, swept")
                .containsExactly(3);
    }
}
