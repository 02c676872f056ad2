package com.reliableedge.cloud.queue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.TestClock;

import io.quarkus.test.junit.QuarkusTest;

/** The retry queue contract on the {@code jdbc} queue (H2 here; {@code PostgresJdbcRetryQueueTest} on PostgreSQL). */
@QuarkusTest
public class JdbcRetryQueueTest extends RetryQueueContractTest {

    @Inject
    RetryQueue queue;

    @BeforeEach
    void empty() {
        Database.clear();
    }

    @Override
    protected RetryQueue queue() {
        return queue;
    }

    @Override
    protected void elapse(Duration d) {
        TestClock.CLOCK.advance(d);
    }
}
