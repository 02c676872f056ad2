package com.reliableedge.cloud.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import com.reliableedge.cloud.store.RetryMessageEntity;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The {@code jdbc} retry queue: a table with {@code visible_at} and {@code dequeue_count}. Receivers claim rows
 * with {@code SELECT … FOR UPDATE SKIP LOCKED} where the database has it (PostgreSQL, SQL Server's READPAST), plain
 * row locks elsewhere, and a new pop receipt guards every later change. {@link #send} joins the caller's
 * transaction, so a retry message commits together with the request transition that enqueues it.
 */
public class JdbcRetryQueue implements RetryQueue {

    /** {@code jakarta.persistence.lock.timeout} value that Hibernate renders as SKIP LOCKED. */
    private static final int SKIP_LOCKED = -2;
    public static final int MAX_BODY_CHARS = 4000;

    private final EntityManager em;
    private final Clock clock;
    private final String queueName;

    public JdbcRetryQueue(EntityManager em, Clock clock, String queueName) {
        this.em = em;
        this.clock = clock;
        this.queueName = queueName;
    }

    @Override
    public void send(String body, Duration initialDelay) {
        if (body.length() > MAX_BODY_CHARS) {
            throw new IllegalArgumentException("a retry message holds at most " + MAX_BODY_CHARS + " characters");
        }
        QuarkusTransaction.joiningExisting().run(() -> insert(body, initialDelay));
    }

    private void insert(String body, Duration initialDelay) {
        Instant now = clock.instant();
        RetryMessageEntity m = new RetryMessageEntity();
        m.queueName = queueName;
        m.body = body;
        m.insertedAt = now;
        m.visibleAt = now.plus(initialDelay.isNegative() ? Duration.ZERO : initialDelay);
        m.dequeueCount = 0;
        m.popReceipt = UUID.randomUUID().toString();
        em.persist(m);
    }

    @Override
    public List<QueuedMessage> receive(int max, Duration visibilityTimeout) {
        return QuarkusTransaction.requiringNew().call(() -> claim(max, visibilityTimeout));
    }

    /** The claim, in the caller's transaction (package-private: rendered for SQL Server offline in a test). */
    List<QueuedMessage> claim(int max, Duration visibilityTimeout) {
        Instant now = clock.instant();
        List<RetryMessageEntity> rows = em.createQuery(
                "from RetryMessageEntity m where m.queueName = :q and m.visibleAt <= :now order by m.visibleAt",
                RetryMessageEntity.class)
                .setParameter("q", queueName)
                .setParameter("now", now)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
                .setMaxResults(max)
                .getResultList();
        List<QueuedMessage> received = new ArrayList<>(rows.size());
        for (RetryMessageEntity m : rows) {
            m.visibleAt = now.plus(visibilityTimeout);
            m.dequeueCount++;
            m.popReceipt = UUID.randomUUID().toString();
            received.add(new QueuedMessage(m.id.toString(), m.popReceipt, m.body, m.dequeueCount));
        }
        return received;
    }

    @Override
    public boolean delete(QueuedMessage message) {
        return QuarkusTransaction.joiningExisting()
                .call(() -> em.createQuery("delete from RetryMessageEntity m where m.id = :id and m.popReceipt = :pr")
                        .setParameter("id", Long.valueOf(message.id()))
                        .setParameter("pr", message.popReceipt())
                        .executeUpdate() == 1);
    }

    @Override
    public Optional<QueuedMessage> updateVisibility(QueuedMessage message, Duration visibilityTimeout) {
        String receipt = UUID.randomUUID().toString();
        int updated = QuarkusTransaction.joiningExisting().call(() -> em.createQuery(
                "update RetryMessageEntity m set m.visibleAt = :at, m.popReceipt = :next where m.id = :id and m.popReceipt = :pr")
                .setParameter("at", clock.instant().plus(visibilityTimeout))
                .setParameter("next", receipt)
                .setParameter("id", Long.valueOf(message.id()))
                .setParameter("pr", message.popReceipt())
                .executeUpdate());
        return updated == 1
                ? Optional.of(new QueuedMessage(message.id(), receipt, message.body(), message.dequeueCount()))
                : Optional.empty();
    }
}
