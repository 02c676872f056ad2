package com.reliableedge.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.store.CoverageIntervalEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.cloud.testing.TestClock;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code GET /api/v1/streams} answers a seeded example exactly as pinned below, whether the streams hold a few or
 * many coverage rows, and reads the same number of statements and rows either way: what a page shows is summed by
 * the database for the page's streams, and no coverage row (of the page's streams or the others) is loaded.
 */
@QuarkusTest
@TestProfile(StreamListingTest.WithStatistics.class)
class StreamListingTest extends ServiceTestBase {

    /** Hibernate's statistics, to count the statements and rows a listing costs. */
    public static class WithStatistics implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.hibernate-orm.statistics", "true");
        }
    }

    private static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
    private static final long BOUND = 10_000;

    /** Page 1 of 2 ({@code limit=4}); NOW, STALE and PARKED stand for instants relative to the test clock. */
    private static final String PAGE = "{\"streams\":["
            + "{\"deviceId\":\"d-a\",\"batchId\":\"s-1\",\"indexKind\":\"sequence\",\"firstStart\":\"0\","
            + "\"lastEnd\":\"12000\",\"origin\":\"0\",\"lastLiveEnd\":\"10000\",\"coveredFraction\":0.5,"
            + "\"openGaps\":2,\"state\":\"GAPPED\",\"lastLiveAt\":\"NOW\",\"scanParkedUntil\":null,"
            + "\"scanParkReason\":null},"
            + "{\"deviceId\":\"d-a\",\"batchId\":\"s-2\",\"indexKind\":\"time\","
            + "\"firstStart\":\"2026-11-26T10:00:00.000Z\",\"lastEnd\":\"2026-11-26T10:00:12.000Z\","
            + "\"origin\":\"2026-11-26T10:00:00.000Z\",\"lastLiveEnd\":\"2026-11-26T10:00:10.000Z\","
            + "\"coveredFraction\":0.5,\"openGaps\":0,\"state\":\"HEALTHY\",\"lastLiveAt\":\"NOW\","
            + "\"scanParkedUntil\":\"PARKED\",\"scanParkReason\":\"planning failed: IllegalStateException: boom\"},"
            + "{\"deviceId\":\"d-b\",\"batchId\":\"s-1\",\"indexKind\":\"sequence\",\"firstStart\":\"0\","
            + "\"lastEnd\":\"12000\",\"origin\":null,\"lastLiveEnd\":null,\"coveredFraction\":1.0,\"openGaps\":0,"
            + "\"state\":\"STALLED\",\"lastLiveAt\":\"STALE\",\"scanParkedUntil\":null,\"scanParkReason\":null},"
            + "{\"deviceId\":\"d-b\",\"batchId\":\"s-2\",\"indexKind\":\"sequence\",\"firstStart\":\"0\","
            + "\"lastEnd\":\"12000\",\"origin\":\"5000\",\"lastLiveEnd\":\"10000\",\"coveredFraction\":0.5,"
            + "\"openGaps\":1,\"state\":\"GAPPED\",\"lastLiveAt\":\"NOW\",\"scanParkedUntil\":null,"
            + "\"scanParkReason\":null}"
            + "],\"count\":4,\"nextCursor\":\"d-b/s-2\"}";

    @Inject
    EntityManager em;

    /** What one listing cost. */
    record Cost(long statements, long queries, long rows, long entitiesLoaded, long coverageRowsLoaded) {
    }

    @Test
    void aPageAnswersAsPinnedAndCostsTheSameWithFewOrManyCoverageRows() {
        Cost few = seedAndList(2);
        Cost many = seedAndList(1000);
        assertThat(many).isEqualTo(few);
        // The page query (limit + 1 streams) and one sum over the coverage of the page's streams with a live bound.
        assertThat(few.statements()).isEqualTo(2);
        assertThat(few.rows()).isEqualTo(5 + 3);
        assertThat(few.coverageRowsLoaded()).isZero();
    }

    /** Seeds six streams with {@code rows} coverage rows each, checks page 1 against the pin, returns its cost. */
    private Cost seedAndList(int rows) {
        Database.clear();
        Instant now = TestClock.CLOCK.instant();
        QuarkusTransaction.requiringNew().run(() -> {
            stream("d-a", "s-1", IndexKind.SEQUENCE, 0L, 0L, 2, now, rows);
            StreamEntity parked = stream("d-a", "s-2", IndexKind.TIME, T0, T0, 0, now, rows);
            parked.scanParkedUntil = now.plusSeconds(60);
            parked.scanParkReason = "planning failed: IllegalStateException: boom";
            parked.scanFailures = 1;
            stream("d-b", "s-1", IndexKind.SEQUENCE, null, 0L, 0, now.minus(Duration.ofHours(1)), rows);
            stream("d-b", "s-2", IndexKind.SEQUENCE, 5000L, 0L, 1, now, rows);
            // Outside the page: their coverage rows must not be read.
            stream("d-c", "s-1", IndexKind.SEQUENCE, 0L, 0L, 2, now, rows);
            stream("d-c", "s-2", IndexKind.SEQUENCE, 0L, 0L, 2, now, rows);
        });
        assertThat(Database.count("coverage_interval")).isEqualTo(6L * (rows + 1));

        Statistics stats = em.getEntityManagerFactory().unwrap(SessionFactory.class).getStatistics();
        stats.clear();
        String body = Edge.operator().queryParam("limit", 4).get("/api/v1/streams").then().statusCode(200).extract()
                .asString();
        long rowsRead = 0;
        for (String query : stats.getQueries()) {
            rowsRead += stats.getQueryStatistics(query).getExecutionRowCount();
        }
        Cost cost = new Cost(stats.getPrepareStatementCount(), stats.getQueryExecutionCount(), rowsRead,
                stats.getEntityLoadCount(),
                stats.getEntityStatistics(CoverageIntervalEntity.class.getName()).getLoadCount());

        assertThat(body).isEqualTo(PAGE.replace("NOW", now.toString())
                .replace("STALE", now.minus(Duration.ofHours(1)).toString())
                .replace("PARKED", now.plusSeconds(60).toString()));
        return cost;
    }

    /**
     * A stream whose coverage is {@code rows} pieces covering half of {@code [offset, offset + BOUND)}, plus one row
     * past it, {@code [offset + BOUND, offset + BOUND + 2000)}; with the same covered length for any {@code rows}
     * (a divisor of {@code BOUND / 2}).
     */
    private static StreamEntity stream(String device, String batch, IndexKind kind, Long origin, long offset,
            int openGaps, Instant lastLiveAt, int rows) {
        StreamEntity s = new StreamEntity();
        s.deviceId = device;
        s.batchId = batch;
        s.indexKind = kind;
        s.origin = origin;
        s.lastLiveEnd = origin == null ? null : offset + BOUND;
        s.lastLiveAt = lastLiveAt;
        s.createdAt = lastLiveAt;
        s.openGaps = openGaps;
        s.firstStart = offset;
        s.lastEnd = offset + BOUND + 2000;
        s.persist();
        long step = BOUND / rows;
        for (int k = 0; k < rows; k++) {
            coverage(s.id, offset + k * step, offset + k * step + step / 2);
        }
        coverage(s.id, offset + BOUND, offset + BOUND + 2000);
        return s;
    }

    private static void coverage(long streamId, long start, long end) {
        CoverageIntervalEntity c = new CoverageIntervalEntity();
        c.streamId = streamId;
        c.startIndex = start;
        c.endIndex = end;
        c.persist();
    }
}
