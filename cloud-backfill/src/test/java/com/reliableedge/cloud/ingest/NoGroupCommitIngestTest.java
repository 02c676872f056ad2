package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Consistency;
import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.protocol.index.IndexKind;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link IngestResourceTest} with {@code backfill.ingest.group-commit=false}: a plain append takes the same fast path
 * as under group commit, as a group of one on the request thread, and is not counted as a group.
 */
@QuarkusTest
@TestProfile(NoGroupCommitIngestTest.NoGroupCommit.class)
class NoGroupCommitIngestTest extends IngestResourceTest {

    public static class NoGroupCommit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("backfill.ingest.group-commit", "false");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void aPlainAppendTakesTheFastPathAloneAndAHoleTheGeneralPath() {
        Edge edge = Edge.register("alone-1", fakeEdge.url());
        double groupedBefore = registry.find("backfill.batches.grouped").counter().count();
        edge.live("a", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200).body("result", equalTo("recorded"));
        edge.live("a", IndexKind.SEQUENCE, 10, 20, 2, 0).then().statusCode(200).body("result", equalTo("recorded"));
        edge.live("a", IndexKind.SEQUENCE, 10, 20, 2, 0).then().statusCode(200).body("result", equalTo("duplicate"));
        edge.live("a", IndexKind.SEQUENCE, 30, 40, 4, 0).then().statusCode(200).body("result", equalTo("recorded"));

        Edge.operator().get("/api/v1/streams/alone-1/a").then().statusCode(200)
                .body("coverage", hasSize(2))
                .body("coverage[0].endWindow", equalTo("20"))
                .body("gaps", hasSize(1))
                .body("gaps[0].startWindow", equalTo("20"));
        assertThat(Database.count("recorded_batch")).isEqualTo(3);
        assertThat(Database.count("stream_event")).isEqualTo(30);
        assertThat(registry.find("backfill.batches.grouped").counter().count()).isEqualTo(groupedBefore);
        Consistency.check("without group commit");
    }
}
