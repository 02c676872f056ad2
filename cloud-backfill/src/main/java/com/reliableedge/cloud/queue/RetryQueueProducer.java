package com.reliableedge.cloud.queue;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.persistence.EntityManager;

import com.reliableedge.cloud.config.BackfillConfig;

import io.quarkus.runtime.Startup;

/**
 * Picks the retry queue named by {@code backfill.queue.kind}. Built at startup ({@code @Startup}), so a kind this build
 * lacks stops the service before it listens, naming the key and the value, instead of failing every scan later.
 */
@ApplicationScoped
public class RetryQueueProducer {

    @Produces
    @ApplicationScoped
    @Startup
    RetryQueue retryQueue(BackfillConfig config, EntityManager em, Clock clock) {
        String kind = config.queue().kind();
        return switch (kind) {
            case "jdbc" -> new JdbcRetryQueue(em, clock, config.queue().name());
            case "azure-storage-queue" -> throw new IllegalStateException(
                    "backfill.queue.kind 'azure-storage-queue' is not part of this build yet; use 'jdbc'");
            default -> throw new IllegalStateException("backfill.queue.kind '" + kind + "' is unknown; use 'jdbc'");
        };
    }
}
