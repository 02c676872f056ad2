package com.reliableedge.cloud.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * The contract of {@link RetryQueue}, run against every implementation: each subclass gives a fresh, empty queue and
 * a way to let time pass (moving a clock, or waiting for real for queues whose time cannot be moved).
 */
public abstract class RetryQueueContractTest {

    /** The queue under test, empty. */
    protected abstract RetryQueue queue();

    /** Lets {@code d} pass for the queue. */
    protected abstract void elapse(Duration d);

    private static final Duration SHORT = Duration.ofSeconds(2);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void aSentMessageIsReceivedWithItsBodyAndADequeueCountOfOne() {
        queue().send("hello", Duration.ZERO);
        List<QueuedMessage> got = queue().receive(10, LONG);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).body()).isEqualTo("hello");
        assertThat(got.get(0).dequeueCount()).isEqualTo(1);
        assertThat(got.get(0).popReceipt()).isNotBlank();
    }

    @Test
    void aDelayedMessageIsInvisibleUntilItsDelayPassed() {
        queue().send("later", SHORT);
        assertThat(queue().receive(10, LONG)).isEmpty();
        elapse(SHORT.plusMillis(500));
        assertThat(queue().receive(10, LONG)).extracting(QueuedMessage::body).containsExactly("later");
    }

    @Test
    void aReceivedMessageIsHiddenForItsTimeoutThenComesBackWithAHigherDequeueCount() {
        queue().send("m", Duration.ZERO);
        QueuedMessage first = queue().receive(10, SHORT).get(0);
        assertThat(queue().receive(10, SHORT)).isEmpty();
        elapse(SHORT.plusMillis(500));
        List<QueuedMessage> again = queue().receive(10, LONG);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).id()).isEqualTo(first.id());
        assertThat(again.get(0).dequeueCount()).isEqualTo(2);
        assertThat(again.get(0).popReceipt()).isNotEqualTo(first.popReceipt());
    }

    @Test
    void deleteNeedsTheLatestPopReceipt() {
        queue().send("m", Duration.ZERO);
        QueuedMessage first = queue().receive(10, SHORT).get(0);
        elapse(SHORT.plusMillis(500));
        QueuedMessage second = queue().receive(10, LONG).get(0);
        assertThat(queue().delete(first)).isFalse();
        assertThat(queue().delete(second)).isTrue();
        assertThat(queue().delete(second)).isFalse();
        elapse(LONG.plusSeconds(1));
        assertThat(queue().receive(10, LONG)).isEmpty();
    }

    @Test
    void updateVisibilityHidesTheMessageAgainAndRenewsTheReceipt() {
        queue().send("m", Duration.ZERO);
        QueuedMessage got = queue().receive(10, SHORT).get(0);
        Optional<QueuedMessage> updated = queue().updateVisibility(got, LONG);
        assertThat(updated).isPresent();
        assertThat(updated.get().popReceipt()).isNotEqualTo(got.popReceipt());
        elapse(SHORT.plusMillis(500));
        assertThat(queue().receive(10, LONG)).isEmpty();
        assertThat(queue().updateVisibility(got, SHORT)).isEmpty();
        assertThat(queue().delete(updated.get())).isTrue();
    }

    @Test
    void aMessageThatIsNotDeletedIsNeverLost() {
        for (int i = 0; i < 5; i++) {
            queue().send("m" + i, Duration.ZERO);
        }
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            queue().receive(2, SHORT).forEach(m -> seen.add(m.body()));
        }
        elapse(SHORT.plusMillis(500));
        queue().receive(10, SHORT).forEach(m -> seen.add(m.body()));
        assertThat(seen).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void concurrentReceiversNeverGetTheSameMessageInOneVisibilityPeriod() throws Exception {
        int count = 40;
        for (int i = 0; i < count; i++) {
            queue().send("c" + i, Duration.ZERO);
        }
        RetryQueue q = queue();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<QueuedMessage>>> receivers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                receivers.add(() -> {
                    List<QueuedMessage> mine = new ArrayList<>();
                    for (int round = 0; round < 10; round++) {
                        mine.addAll(q.receive(3, LONG));
                    }
                    return mine;
                });
            }
            List<String> all = Collections.synchronizedList(new ArrayList<>());
            for (Future<List<QueuedMessage>> f : pool.invokeAll(receivers)) {
                f.get().forEach(m -> all.add(m.body()));
            }
            // Receivers may skip rows that others hold locked; what they skipped is still there afterwards.
            for (List<QueuedMessage> rest = q.receive(10, LONG); !rest.isEmpty(); rest = q.receive(10, LONG)) {
                rest.forEach(m -> all.add(m.body()));
            }
            assertThat(all).doesNotHaveDuplicates();
            assertThat(all).hasSize(count);
        } finally {
            pool.shutdownNow();
        }
    }
}
