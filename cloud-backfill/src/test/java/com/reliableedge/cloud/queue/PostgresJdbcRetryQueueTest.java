package com.reliableedge.cloud.queue;

import com.reliableedge.cloud.testing.PostgresProfile;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The retry queue contract on the {@code jdbc} queue over PostgreSQL ({@code SKIP LOCKED}). */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresJdbcRetryQueueTest extends JdbcRetryQueueTest {
}
