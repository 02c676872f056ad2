package com.reliableedge.cloud.queue;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

import com.reliableedge.cloud.config.BackfillConfig;

import io.quarkus.runtime.Startup;

/**
 * Picks the retry queue named by {@code backfill.queue.kind}. Built at startup ({@code @Startup}), so a kind this build
 * lacks, or one configured without what it needs, stops the service before it listens, naming the key and the value,
 * instead of failing every scan later.
 */
@ApplicationScoped
public class RetryQueueProducer {

    @Produces
    @ApplicationScoped
    @Startup
    RetryQueue retryQueue(BackfillConfig config, EntityManager em, Clock clock,
            TransactionSynchronizationRegistry transactions) {
        String kind = config.queue().kind();
        return switch (kind) {
            case "jdbc" -> new JdbcRetryQueue(em, clock, config.queue().name());
            case "azure-storage-queue" -> azure(config, clock, transactions);
            default -> throw new IllegalStateException(
                    "backfill.queue.kind '" + kind + "' is unknown; use 'jdbc' or 'azure-storage-queue'");
        };
    }

    private static RetryQueue azure(BackfillConfig config, Clock clock,
            TransactionSynchronizationRegistry transactions) {
        String connectionString = config.queue().connectionString().filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalStateException(
                        "backfill.queue.connection-string is required for backfill.queue.kind 'azure-storage-queue'"));
        String name = config.queue().name();
        AzureQueueDecisions.invalidQueueName(name).ifPresent(why -> {
            throw new IllegalStateException("backfill.queue.name '" + name + "' " + why);
        });
        try {
            return AzureStorageRetryQueue.connect(connectionString, name, config.maxAttempts(), clock, transactions);
        } catch (IllegalArgumentException e) {
            // The parser's message may quote the connection string, which holds the account key: name the key only.
            throw new IllegalStateException(
                    "backfill.queue.connection-string is not a valid Azure Storage connection string");
        } catch (RuntimeException e) {
            throw new RetryQueueUnreachableException("backfill.queue.kind 'azure-storage-queue': cannot open queue '"
                    + name
                    + "' with backfill.queue.connection-string", e);
        }
    }
}
