package com.reliableedge.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.test.junit.QuarkusTest;

/** Retention (PROTOCOL.md section 9) with the default 30 days, on a time-indexed stream. */
@QuarkusTest
class RetentionPurgeTest extends ServiceTestBase {

    private static final IndexKind TIME = IndexKind.TIME;
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long DAY = Duration.ofDays(1).toMillis();

    @Inject
    RetentionPurge purge;

    @Test
    void belowTheFloorPayloadsGoAndArrivingBatchesAreDiscarded() {
        Edge edge = Edge.register("ret-1", fakeEdge.url());
        edge.live("s", TIME, T0, T0 + 10_000, 1, T0).then().statusCode(200);
        edge.live("s", TIME, T0 + 20_000, T0 + 30_000, 2, T0).then().statusCode(200);
        assertThat(Database.count("gap")).isEqualTo(1);
        edge.live("s", TIME, T0 + 40 * DAY, T0 + 40 * DAY + 10_000, 3, T0).then().statusCode(200);
        long floor = T0 + 40 * DAY + 10_000 - 30 * DAY;

        // The gap below the floor is no gap any more; the one above it is, from the floor on.
        Edge.operator().get("/api/v1/streams/ret-1/s").then().statusCode(200)
                .body("gaps", hasSize(1))
                .body("gaps[0].startWindow", equalTo(TIME.format(floor)));

        assertThat(purge.purge()).isEqualTo(1);
        assertThat(Database.count("stream_event")).isEqualTo(100);
        assertThat(Database.count("coverage_interval")).isEqualTo(1);
        assertThat(Database.count("gap", "end_index <= " + floor)).isZero();
        // Message ids are kept for another retention period: a resend is still a duplicate.
        assertThat(Database.count("recorded_batch")).isEqualTo(3);
        edge.live("s", TIME, T0, T0 + 10_000, 1, T0).then().statusCode(200).body("result", equalTo("duplicate"));
        edge.live("s", TIME, T0 + 10_000, T0 + 20_000, 4, T0).then().statusCode(200)
                .body("result", equalTo("discarded"));
        assertThat(Database.count("recorded_batch")).isEqualTo(3);
        assertThat(purge.purge()).isZero();

        // Far later, the old message ids go too.
        edge.live("s", TIME, T0 + 80 * DAY, T0 + 80 * DAY + 10_000, 5, T0).then().statusCode(200);
        purge.purge();
        assertThat(Database.count("recorded_batch", "end_index <= " + (T0 + 30_000))).isZero();
    }

    @Test
    void sequenceStreamsHaveNoRetention() {
        Edge edge = Edge.register("ret-2", fakeEdge.url());
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200);
        edge.live("s", IndexKind.SEQUENCE, 10L * DAY * 100, 10L * DAY * 100 + 10, 2, 0).then().statusCode(200);
        assertThat(purge.purge()).isZero();
        assertThat(Database.count("stream_event")).isEqualTo(20);
    }
}
