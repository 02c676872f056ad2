package com.reliableedge.cloud.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.PostgresProfile;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A real fault: the PostgreSQL server turned read-only for every session (as a full disk or a failover to a standby
 * looks to the service). Ingest answers 503 with Retry-After, readiness goes DOWN, and both recover on their own once
 * writes succeed again.
 */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresDatabaseFaultTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aDatabaseThatCannotBeWrittenAnswers503AndReadinessGoesDownAndBackUp() throws SQLException {
        Edge edge = Edge.register("fault-1", fakeEdge.url());
        edge.live("s", SEQ, 0, 10, 1, 0).then().statusCode(200);
        assertThat(writable()).isEqualTo("UP");

        readOnly(true);
        try {
            // The next live batch (group commit), a new stream and an operator write: all 503, none 500.
            edge.live("s", SEQ, 10, 20, 2, 0).then().statusCode(503).header("Retry-After", "5")
                    .body("error", equalTo("the database is unavailable; retry later"));
            edge.live("t", SEQ, 0, 10, 1, 0).then().statusCode(503).header("Retry-After", "5");
            await().atMost(Duration.ofSeconds(20)).until(() -> "DOWN".equals(writable()));
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            readOnly(false);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(writable()));
        given().get("/q/health/ready").then().statusCode(200);
        edge.live("s", SEQ, 10, 20, 2, 0).then().statusCode(200).body("result", equalTo("recorded"));
        edge.live("t", SEQ, 0, 10, 1, 0).then().statusCode(200);
        assertThat(Database.count("recorded_batch")).isEqualTo(3);
        assertThat(Database.count("device", "device_id like '$probe%'")).isZero();
    }

    /** The status of the database-writable readiness check. */
    private static String writable() {
        JsonPath health = given().get("/q/health/ready").then().extract().jsonPath();
        return health.getString("checks.find { it.name == 'database-writable' }.status");
    }

    /** Makes every transaction of every session read-only (or not), through the server's configuration. */
    private void readOnly(boolean on) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            // This session must be able to undo it even while the server's default is read-only.
            st.execute("SET default_transaction_read_only = off");
            st.execute(on
                    ? "ALTER SYSTEM SET default_transaction_read_only = on"
                    : "ALTER SYSTEM RESET default_transaction_read_only");
            st.execute("SELECT pg_reload_conf()");
            st.execute("RESET default_transaction_read_only");
        }
    }
}
