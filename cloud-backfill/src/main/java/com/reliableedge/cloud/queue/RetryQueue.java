package com.reliableedge.cloud.queue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A queue of retry messages with visibility timeouts, as Azure Storage Queues have them. Contract (checked by
 * {@code RetryQueueContractTest} for every implementation):
 * <ul>
 * <li>A sent message becomes visible after its initial delay; until then {@link #receive} does not return it.</li>
 * <li>{@link #receive} hides each returned message for the visibility timeout, increments its dequeue count and
 * gives it a new pop receipt; a message is returned to at most one receiver per visibility period, even with
 * concurrent receivers.</li>
 * <li>A message is never lost: unless deleted, it becomes visible again when its timeout passes
 * (at-least-once delivery). Order is not guaranteed.</li>
 * <li>{@link #delete} and {@link #updateVisibility} need the latest pop receipt; with a stale one (the message was
 * received again since) they change nothing and report it.</li>
 * </ul>
 */
public interface RetryQueue {

    /** Enqueues {@code body} (at most 4,000 characters), visible after {@code initialDelay} (zero: now). */
    void send(String body, Duration initialDelay);

    /** Receives up to {@code max} visible messages and hides them for {@code visibilityTimeout}. */
    List<QueuedMessage> receive(int max, Duration visibilityTimeout);

    /** Deletes a received message; false when the pop receipt is stale or the message is gone. */
    boolean delete(QueuedMessage message);

    /**
     * Hides a received message for {@code visibilityTimeout} from now.
     *
     * @return the message with its new pop receipt, or empty when the pop receipt is stale or the message is gone
     */
    Optional<QueuedMessage> updateVisibility(QueuedMessage message, Duration visibilityTimeout);
}
