package com.reliableedge.cloud.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A real fault on the embedded H2: a row lock that does not come free within the lock timeout. The message is
 * answered 503 with Retry-After (the edge retries it), not 500; once the lock is gone the same message is recorded.
 */
@QuarkusTest
@TestProfile(H2LockTimeoutTest.ShortLockTimeout.class)
class H2LockTimeoutTest extends ServiceTestBase {

    /** A lock timeout of one second, so that the test does not wait ten. */
    public static class ShortLockTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.url",
                    "jdbc:h2:mem:lock-timeout;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=1000");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aLockTimeoutAnswers503WithRetryAfterAndTheRetrySucceeds() throws Exception {
        Edge edge = Edge.register("lock-1", fakeEdge.url());
        try (Connection holder = dataSource.getConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            // Another transaction holds the device's row, which creating a stream locks to count the device's streams.
            st.executeQuery("SELECT device_id FROM device WHERE device_id = 'lock-1' FOR UPDATE").close();
            edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(503).header("Retry-After", "5")
                    .body("error", equalTo("the database is unavailable; retry later"));
            holder.rollback();
        }
        assertThat(Database.count("stream")).isZero();
        // A lock is a passing fault: the next probe writes, and readiness is UP again.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200));
        edge.live("s", IndexKind.SEQUENCE, 0, 10, 1, 0).then().statusCode(200).body("result", equalTo("recorded"));
    }
}
