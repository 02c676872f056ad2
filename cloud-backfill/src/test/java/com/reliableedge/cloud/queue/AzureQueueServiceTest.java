package com.reliableedge.cloud.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.storage.queue.QueueClient;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.request.RetryConsumer;
import com.reliableedge.cloud.request.RetryMessage;
import com.reliableedge.cloud.testing.AzureQueueProfile;
import com.reliableedge.cloud.testing.AzuriteResource;
import com.reliableedge.cloud.testing.Database;

import io.quarkus.arc.ClientProxy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The service wired with {@code backfill.queue.kind=azure-storage-queue} against Azurite: the producer builds the
 * Azure queue, a send in a database transaction goes out only when it commits (the real JTA registry), and the retry
 * consumer deletes a message whose request row is gone.
 */
@QuarkusTest
@TestProfile(AzureQueueProfile.class)
class AzureQueueServiceTest {

    @Inject
    RetryQueue queue;

    @Inject
    RetryConsumer consumer;

    @Inject
    BackfillConfig config;

    private QueueClient raw;

    @BeforeEach
    void empty() {
        Database.clear();
        raw = AzureStorageRetryQueue.client(AzuriteResource.azurite().connectionString(), config.queue().name());
        raw.clearMessages();
    }

    /** Messages in the queue, hidden ones included. */
    private int messages() {
        return raw.getProperties().getApproximateMessagesCount();
    }

    @Test
    void theServiceRunsOnTheAzureQueue() {
        assertThat(ClientProxy.unwrap(queue)).isInstanceOf(AzureStorageRetryQueue.class);
    }

    @Test
    void aSendInATransactionGoesOutOnlyWhenItCommits() {
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            queue.send("v1|rolled-back|1", Duration.ZERO);
            throw new IllegalStateException("the transition fails");
        })).hasMessageContaining("the transition fails");
        assertThat(messages()).as("nothing for a rollback").isZero();
        QuarkusTransaction.requiringNew().run(() -> {
            queue.send("v1|committed|1", Duration.ZERO);
            assertThat(messages()).as("not before the commit").isZero();
        });
        assertThat(messages()).isEqualTo(1);
        assertThat(queue.receive(10, Duration.ofSeconds(30))).extracting(QueuedMessage::body)
                .containsExactly("v1|committed|1");
    }

    @Test
    void theConsumerDeletesAMessageWhoseRequestIsGone() {
        queue.send(new RetryMessage(UUID.randomUUID().toString(), 1).format(), Duration.ZERO);
        assertThat(messages()).isEqualTo(1);
        assertThat(consumer.drain()).isEqualTo(1);
        assertThat(messages()).as("deleted, not hidden").isZero();
    }
}
