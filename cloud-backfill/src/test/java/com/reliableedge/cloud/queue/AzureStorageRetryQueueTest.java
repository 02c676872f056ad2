package com.reliableedge.cloud.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.reliableedge.fixtures.Azurite;

/**
 * The retry queue contract on the {@code azure-storage-queue} queue against a real Azurite (time passes for real:
 * Azurite's clock cannot be moved), plus what only this queue does: poison after the attempts, sending after the
 * commit, and messages that survive a restart of the server.
 */
class AzureStorageRetryQueueTest extends RetryQueueContractTest {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static Azurite azurite;

    private String name;
    private AzureStorageRetryQueue queue;

    @BeforeAll
    static void startAzurite() throws IOException {
        Files.createDirectories(Path.of("target"));
        azurite = Azurite.start(Files.createTempDirectory(Path.of("target"), "azurite"));
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void freshQueue() {
        // A new queue per test: empty, and no test sees another's messages.
        name = "retry-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet();
        queue = connect(5, null);
    }

    private AzureStorageRetryQueue connect(int maxAttempts, TransactionSynchronizationRegistry tx) {
        return AzureStorageRetryQueue.connect(azurite.connectionString(), name, maxAttempts, Clock.systemUTC(), tx);
    }

    @Override
    protected RetryQueue queue() {
        return queue;
    }

    @Override
    protected void elapse(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        await().pollDelay(d).atMost(d.plusSeconds(5)).until(() -> System.nanoTime() >= until);
    }

    private List<PeekedMessageItem> poisoned() {
        QueueClient poison = AzureStorageRetryQueue.client(azurite.connectionString(),
                AzureQueueDecisions.poisonName(name));
        List<PeekedMessageItem> items = new ArrayList<>();
        poison.peekMessages(32, null, null).forEach(items::add);
        return items;
    }

    @Test
    void aMessageReceivedMoreThanMaxAttemptsTimesMovesToThePoisonQueue() {
        queue = connect(2, null);
        queue.send("v1|r-1|1", Duration.ZERO);
        for (int i = 1; i <= 2; i++) {
            List<QueuedMessage> got = queue.receive(10, Duration.ofSeconds(1));
            assertThat(got).extracting(QueuedMessage::dequeueCount).containsExactly(i);
            elapse(Duration.ofMillis(1500));
        }
        assertThat(queue.receive(10, Duration.ofSeconds(30))).isEmpty();
        assertThat(poisoned()).extracting(m -> m.getBody().toString()).containsExactly("v1|r-1|1");
        elapse(Duration.ofMillis(1500));
        assertThat(queue.receive(10, Duration.ofSeconds(30))).as("gone from the retry queue").isEmpty();
    }

    @Test
    void inATransactionTheMessageIsSentOnlyWhenItCommits() {
        FakeTransactions tx = new FakeTransactions();
        queue = connect(5, tx);
        queue.send("rolled-back", Duration.ZERO);
        assertThat(queue.receive(10, Duration.ofSeconds(30))).as("not before the commit").isEmpty();
        tx.complete(Status.STATUS_ROLLEDBACK);
        queue.send("committed", Duration.ZERO);
        tx.complete(Status.STATUS_COMMITTED);
        assertThat(queue.receive(10, Duration.ofSeconds(30))).extracting(QueuedMessage::body)
                .containsExactly("committed");
    }

    @Test
    void messagesAndTheirVisibilitySurviveARestartOfAzurite() {
        queue.send("held", Duration.ZERO);
        // Azurite keeps real time: the delay must outlast a restart on a loaded machine (3 s did not, once).
        queue.send("delayed", Duration.ofSeconds(12));
        QueuedMessage held = queue.receive(10, Duration.ofSeconds(60)).get(0);
        assertThat(held.body()).isEqualTo("held");

        azurite.restart();

        assertThat(queue.receive(10, Duration.ofSeconds(60))).as("still hidden, still delayed").isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> !queue.receive(10, Duration.ofSeconds(60)).isEmpty());
        assertThat(queue.delete(held)).as("the pop receipt from before the restart").isTrue();
    }

    /** A JTA registry whose one transaction the test completes. */
    private static final class FakeTransactions implements TransactionSynchronizationRegistry {
        private final List<Synchronization> registered = new ArrayList<>();

        void complete(int status) {
            registered.forEach(s -> s.afterCompletion(status));
            registered.clear();
        }

        @Override
        public Object getTransactionKey() {
            return this;
        }

        @Override
        public void putResource(Object key, Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object getResource(Object key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            registered.add(sync);
        }

        @Override
        public int getTransactionStatus() {
            return Status.STATUS_ACTIVE;
        }

        @Override
        public void setRollbackOnly() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean getRollbackOnly() {
            return false;
        }
    }
}
