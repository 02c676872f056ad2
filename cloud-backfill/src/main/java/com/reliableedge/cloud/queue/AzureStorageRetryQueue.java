package com.reliableedge.cloud.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueServiceVersion;
import com.azure.storage.queue.models.QueueErrorCode;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import com.azure.storage.queue.models.UpdateMessageResult;

import io.quarkus.logging.Log;

/**
 * The {@code azure-storage-queue} retry queue: an Azure Storage Queue, whose visibility timeouts, dequeue counts and
 * pop receipts are the contract's own. A message received more than {@code maxAttempts} times moves to the queue
 * {@code {name}-poison} instead of to the consumer; the request row stays authoritative (its expiry sweep covers it).
 * <p>
 * Azure is not part of the database transaction, so {@link #send} inside a transaction sends after the commit: a
 * message never exists for a transition that rolled back. A send lost after the commit (queue down, process killed)
 * strands nothing, because the retry consumer's sweep evaluates REQUESTED rows whose expiry passed.
 */
public class AzureStorageRetryQueue implements RetryQueue {

    /** Messages never expire on their own (Azure's default is 7 days); only a delete removes one. */
    private static final Duration NO_EXPIRY = Duration.ofSeconds(-1);
    /**
     * A few quick retries, each try bounded: the SDK's default (4 tries, 4 s to 28 s apart, no per-try limit) held
     * a scan and each after-commit send for about 45 s per call while the queue was down, and indefinitely on a
     * connection that hangs; the expiry sweep covers what a failed call leaves behind.
     */
    static final RequestRetryOptions RETRIES = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3,
            Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofSeconds(2), null);
    /** Azure receives at most this many messages per call. */
    private static final int MAX_PER_RECEIVE = 32;

    private final QueueClient queue;
    private final QueueClient poison;
    private final int maxAttempts;
    private final Clock clock;
    private final TransactionSynchronizationRegistry transactions;

    /**
     * @param transactions the JTA registry, for sending after the commit; null: always send at once
     */
    public AzureStorageRetryQueue(QueueClient queue, QueueClient poison, int maxAttempts, Clock clock,
            TransactionSynchronizationRegistry transactions) {
        this.queue = queue;
        this.poison = poison;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
        this.transactions = transactions;
    }

    /** Connects to the queue {@code name} and its poison queue, creating them if missing. */
    public static AzureStorageRetryQueue connect(String connectionString, String name, int maxAttempts, Clock clock,
            TransactionSynchronizationRegistry transactions) {
        QueueClient queue = client(connectionString, name);
        QueueClient poison = client(connectionString, AzureQueueDecisions.poisonName(name));
        queue.createIfNotExists();
        poison.createIfNotExists();
        return new AzureStorageRetryQueue(queue, poison, maxAttempts, clock, transactions);
    }

    static QueueClient client(String connectionString, String name) {
        // A pinned service version: Azurite (tests) accepts it, and the wire format does not move under us.
        return new QueueClientBuilder().connectionString(connectionString).queueName(name)
                .serviceVersion(QueueServiceVersion.V2025_11_05).retryOptions(RETRIES).buildClient();
    }

    @Override
    public void send(String body, Duration initialDelay) {
        if (body.length() > JdbcRetryQueue.MAX_BODY_CHARS) {
            throw new IllegalArgumentException(
                    "a retry message holds at most " + JdbcRetryQueue.MAX_BODY_CHARS + " characters");
        }
        if (transactions == null || transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            put(queue, body, initialDelay);
            return;
        }
        Instant visibleAt = clock.instant().plus(initialDelay.isNegative() ? Duration.ZERO : initialDelay);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status != Status.STATUS_COMMITTED) {
                    return;
                }
                try {
                    put(queue, body, Duration.between(clock.instant(), visibleAt));
                } catch (RuntimeException e) {
                    Log.warnf("retry message %s not sent after its commit (%s); the expiry sweep covers its request",
                            body, e.getMessage());
                }
            }
        });
    }

    private static void put(QueueClient target, String body, Duration delay) {
        target.sendMessageWithResponse(BinaryData.fromString(body),
                Duration.ofSeconds(AzureQueueDecisions.visibilitySeconds(delay, 0)), NO_EXPIRY, null, Context.NONE);
    }

    @Override
    public List<QueuedMessage> receive(int max, Duration visibilityTimeout) {
        Duration hide = Duration.ofSeconds(AzureQueueDecisions.visibilitySeconds(visibilityTimeout, 1));
        List<QueuedMessage> received = new ArrayList<>();
        for (QueueMessageItem item : queue.receiveMessages(Math.min(Math.max(max, 1), MAX_PER_RECEIVE), hide, null,
                Context.NONE)) {
            QueuedMessage m = new QueuedMessage(item.getMessageId(), item.getPopReceipt(),
                    item.getBody().toString(), (int) Math.min(item.getDequeueCount(), Integer.MAX_VALUE));
            if (AzureQueueDecisions.isPoison(item.getDequeueCount(), maxAttempts)) {
                toPoison(m);
            } else {
                received.add(m);
            }
        }
        return received;
    }

    /** Copies, then deletes: a crash in between leaves a copy in both queues, never in neither. */
    private void toPoison(QueuedMessage m) {
        put(poison, m.body(), Duration.ZERO);
        delete(m);
        Log.warnf("retry message %s (%s) moved to %s after %d receipts", m.id(), m.body(), poison.getQueueName(),
                m.dequeueCount());
    }

    @Override
    public boolean delete(QueuedMessage message) {
        try {
            queue.deleteMessage(message.id(), message.popReceipt());
            return true;
        } catch (QueueStorageException e) {
            if (isStale(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Optional<QueuedMessage> updateVisibility(QueuedMessage message, Duration visibilityTimeout) {
        try {
            UpdateMessageResult updated = queue.updateMessage(message.id(), message.popReceipt(), null,
                    Duration.ofSeconds(AzureQueueDecisions.visibilitySeconds(visibilityTimeout, 0)));
            return Optional.of(new QueuedMessage(message.id(), updated.getPopReceipt(), message.body(),
                    message.dequeueCount()));
        } catch (QueueStorageException e) {
            if (isStale(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The message was received again since (stale pop receipt) or is gone. */
    private static boolean isStale(QueueStorageException e) {
        QueueErrorCode code = e.getErrorCode();
        return QueueErrorCode.MESSAGE_NOT_FOUND.equals(code) || QueueErrorCode.POP_RECEIPT_MISMATCH.equals(code);
    }
}
