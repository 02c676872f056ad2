package com.reliableedge.cloud.queue;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.persistence.EntityManager;

import com.reliableedge.cloud.config.BackfillConfig;

/** Picks the retry queue named by {@code backfill.queue.kind}. */
@ApplicationScoped
public class RetryQueueProducer {

    @Produces
    @ApplicationScoped
    RetryQueue retryQueue(BackfillConfig config, EntityManager em, Clock clock) {
        String kind = config.queue().kind();
        return switch (kind) {
            case "jdbc" -> new JdbcRetryQueue(em, clock, config.queue().name());
            case "azure-storage-queue" -> throw new IllegalStateException(
                    "backfill.queue.kind=azure-storage-queue is not part of this build yet; use jdbc");
            default -> throw new IllegalStateException("unknown backfill.queue.kind '" + kind
                    + "' (jdbc or azure-storage-queue)");
        };
    }
}
