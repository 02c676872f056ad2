package com.reliableedge.cloud.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.hibernate.Session;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.OfflineSqlServer;

/**
 * The {@code jdbc} retry queue's claim as Hibernate's {@code SQLServerDialect} renders it, without a server
 * ({@link OfflineSqlServer}): {@code PESSIMISTIC_WRITE} with the {@code SKIP LOCKED} timeout becomes
 * {@code WITH (UPDLOCK, ROWLOCK, READPAST)} on the table and the limit {@code TOP (?)}, so receivers on several
 * instances pass over each other's claimed rows instead of waiting.
 */
class JdbcRetryQueueSqlServerTest {

    @Test
    void theClaimSkipsRowsOthersHoldWithReadpast() {
        try (OfflineSqlServer server = new OfflineSqlServer();
                Session session = server.sessionFactory().openSession()) {
            JdbcRetryQueue queue = new JdbcRetryQueue(session,
                    Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC), "backfill-retry");
            session.beginTransaction();
            List<QueuedMessage> claimed = queue.claim(10, Duration.ofMinutes(1));
            session.getTransaction().commit();

            assertThat(claimed).isEmpty();
            assertThat(server.statements()).hasSize(1);
            assertThat(server.statements().get(0)).startsWith("select top (?) ")
                    .containsPattern("from retry_message (\\w+) with \\(updlock,rowlock,readpast\\) where")
                    .containsPattern("order by \\w+\\.visible_at$").doesNotContainIgnoringCase("for update")
                    .doesNotContainIgnoringCase("skip locked").doesNotContainIgnoringCase("limit");
        }
    }
}
