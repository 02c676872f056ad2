package com.reliableedge.edge.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MetricsAndReadinessTest {

    @Test
    void prometheusMetricsAreExported() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("relay_events_read_total"))
                .body(containsString("relay_batches_sealed_total"))
                .body(containsString("relay_buffer_bytes"))
                .body(containsString("relay_buffer_oldest_age_seconds"))
                .body(containsString("relay_drops_total{reason=\"full\"}"))
                .body(containsString("relay_backfill_jobs{state=\"active\"}"));
    }

    @Test
    void readinessReportsTheStoreAndAnUnreachableUpstream() {
        // The test profile points at 127.0.0.1:8080, where nothing listens.
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'edge-relay-ready' }.data.storeWritable", equalTo(true))
                .body("checks.find { it.name == 'edge-relay-ready' }.data.upstreamReachable", equalTo(false));
    }
}
