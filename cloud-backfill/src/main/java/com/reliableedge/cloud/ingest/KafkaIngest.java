package com.reliableedge.cloud.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.eclipse.microprofile.health.Readiness;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.BackfillMode;
import com.reliableedge.cloud.health.DatabaseFaults;
import com.reliableedge.cloud.health.DatabaseWritableCheck;
import com.reliableedge.cloud.security.DeviceAuthenticator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Ingest from a Kafka topic (on when {@code backfill.ingest.kafka.bootstrap-servers} is set), beside HTTP: records
 * keyed by device id, headers named as on HTTP ({@link KafkaRecords}), each handed to the one ingest path
 * ({@link MessageIntake}); instances of one consumer group split the partitions.
 * <p>
 * Offsets are committed by the service, never automatically, and only past records that are done: one poll's records
 * are recorded side by side across devices (a device's records in order on one lane), and after all of them finished
 * each partition's offset is committed up to its first record that is not done ({@link KafkaCommits}). A record that
 * can never be ingested (no key, malformed headers, unknown device, a refusal) is counted in
 * {@code backfill_kafka_ingest_skipped_total{reason}} and committed past, so it never blocks its partition. A record
 * that could not be committed for a passing reason (the database) is not committed past: the later records of its
 * partition are not tried, the partition is read again from it after a backoff, and what was recorded meanwhile comes
 * back as duplicates. A rebalance happens only inside a poll, when nothing is in flight and every done record's
 * offset was committed, so partitions move between instances without losing anything.
 */
@ApplicationScoped
public class KafkaIngest {

    /** Lanes: a device's records stay in order on one lane; more lanes let more devices' records group. */
    private static final int LANES = 4;
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** What readiness shows. */
    public record State(boolean enabled, boolean ready, String bootstrapServers, String topic, String groupId,
            int assignedPartitions, long committed, String lastError) {
    }

    private final BackfillConfig.Kafka config;
    private final MessageIntake intake;
    private final DeviceAuthenticator devices;
    private final DatabaseWritableCheck writable;
    private final MeterRegistry registry;
    private final Counter retried;

    private KafkaOptions options;
    private volatile Thread poller;
    private volatile DeviceLanes lanes;
    private volatile CountDownLatch stopSignal;
    private volatile boolean stopping;
    private volatile boolean joined;
    private volatile boolean connected;
    private volatile int assigned;
    private volatile String lastError;
    private int failures;
    /** Records whose offsets this instance committed past (recorded, duplicate or skipped). */
    private final AtomicLong committed = new AtomicLong();

    @Inject
    public KafkaIngest(BackfillConfig config, MessageIntake intake, DeviceAuthenticator devices,
            @Readiness DatabaseWritableCheck writable, MeterRegistry registry) {
        this(config.ingest().kafka(), intake, devices, writable, registry);
        Gauge.builder("backfill.kafka.ingest.assigned.partitions", this, k -> k.assigned)
                .description("Partitions of the Kafka ingest's topic this instance reads now").register(registry);
    }

    /** A consumer of its own (tests: a second member of the group). */
    KafkaIngest(BackfillConfig.Kafka config, MessageIntake intake, DeviceAuthenticator devices,
            DatabaseWritableCheck writable, MeterRegistry registry) {
        this.config = config;
        this.intake = intake;
        this.devices = devices;
        this.writable = writable;
        this.registry = registry;
        this.retried = Counter.builder("backfill.kafka.ingest.retried")
                .description("Kafka records left uncommitted to be read again (their transaction did not commit)")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event, BackfillConfig backfill) {
        // A one-shot job does not ingest.
        if (backfill.mode() != BackfillMode.ONE_SHOT) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Checks the configuration (failing startup naming the key and value) and starts consuming, when on. */
    public synchronized void start() {
        if (config.bootstrapServers().isEmpty() || poller != null) {
            return;
        }
        options = KafkaOptions.of(config);
        stopping = false;
        stopSignal = new CountDownLatch(1);
        lanes = new DeviceLanes("kafka-ingest", LANES);
        Log.infof("Kafka ingest: %s", options.describe());
        Thread t = DeviceLanes.daemon(this::run, "kafka-ingest-poll");
        poller = t;
        t.start();
    }

    /**
     * Leaves the group after the records in hand are finished and committed; the group's other members (or this
     * one, started again) go on from the committed offsets.
     */
    public void stop() {
        Thread t;
        synchronized (this) {
            t = poller;
            if (t == null) {
                return;
            }
            stopping = true;
            stopSignal.countDown();
        }
        // No wakeup(): it would break a commit under way. A poll returns within its timeout.
        try {
            t.join(options.pollTimeout().toMillis() + 60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            lanes.shutdown();
            poller = null;
            joined = false;
            connected = false;
            assigned = 0;
        }
    }

    public State state() {
        KafkaOptions o = options;
        if (config.bootstrapServers().isEmpty() || o == null) {
            return new State(false, false, null, null, null, 0, 0, null);
        }
        return new State(true, poller != null && joined && connected, o.bootstrapServers(), o.topic(), o.groupId(),
                assigned, committed.get(), lastError);
    }

    private void run() {
        while (!stopping) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(options.consumerProperties())) {
                consumer.subscribe(List.of(options.topic()), new Rebalance());
                try {
                    consume(consumer);
                } finally {
                    joined = false;
                    connected = false;
                    assigned = 0;
                    consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
                }
            } catch (KafkaException | IllegalStateException e) {
                lastError = e.toString();
                Log.warnf("Kafka ingest: %s; starting the consumer again after a backoff", lastError);
                backoff(++failures);
            } catch (RuntimeException e) {
                lastError = e.toString();
                Log.error("Kafka ingest: unexpected failure; starting the consumer again after a backoff", e);
                backoff(++failures);
            }
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> consumer) {
        while (!stopping) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(options.pollTimeout());
            } catch (RecordDeserializationException e) {
                // A record the client cannot even read (corrupt): the bytes deserializers never fail otherwise.
                skipped("malformed", e.topicPartition() + "@" + e.offset(), "the record cannot be read");
                consumer.seek(e.topicPartition(), e.offset() + 1);
                continue;
            }
            connected = hasConnection(consumer);
            assigned = consumer.assignment().size();
            if (!records.isEmpty()) {
                handle(consumer, records);
            }
        }
    }

    /** Records one poll's records, commits past what is done, and rewinds each partition to what is not. */
    private void handle(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        List<Batch> batches = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(records.count());
        for (TopicPartition tp : records.partitions()) {
            Batch batch = new Batch(tp, records.records(tp));
            batches.add(batch);
            for (int i = 0; i < batch.records.size(); i++) {
                dispatch(batch, i, finished);
            }
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while records were being recorded", e);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long done = 0;
        boolean retry = false;
        for (Batch batch : batches) {
            List<KafkaCommits.Handled> handled = new ArrayList<>();
            for (int i = 0; i < batch.records.size(); i++) {
                handled.add(new KafkaCommits.Handled(batch.records.get(i).offset(), batch.done[i]));
            }
            KafkaCommits.Plan plan = KafkaCommits.plan(handled);
            if (plan.commit().isPresent()) {
                offsets.put(batch.partition, new OffsetAndMetadata(plan.commit().getAsLong()));
                done += handled.stream().takeWhile(KafkaCommits.Handled::done).count();
            }
            if (plan.retryFrom().isPresent()) {
                retry = true;
                consumer.seek(batch.partition, plan.retryFrom().getAsLong());
            }
        }
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets);
                committed.addAndGet(done);
            } catch (KafkaException e) {
                // The records are recorded; whoever reads them again gets duplicates.
                Log.warnf("Kafka ingest could not commit offsets %s: %s", offsets, e.toString());
            }
        }
        if (retry) {
            retried.increment();
            backoff(++failures);
        } else {
            failures = 0;
            lastError = null;
        }
    }

    private void dispatch(Batch batch, int i, CountDownLatch finished) {
        ConsumerRecord<byte[], byte[]> record = batch.records.get(i);
        KafkaRecords.Mapped mapped = KafkaRecords.map(record.key(), record.headers());
        if (mapped instanceof KafkaRecords.Skip skip) {
            skipped(skip.reason(), where(record), skip.detail());
            batch.done[i] = true;
            finished.countDown();
            return;
        }
        KafkaRecords.Message message = (KafkaRecords.Message) mapped;
        Runnable task = () -> {
            try {
                // After a transient failure the partition is read again from there: later records wait for it.
                if (!batch.failed.get()) {
                    batch.done[i] = record(message, record.value(), where(record));
                    if (!batch.done[i]) {
                        batch.failed.set(true);
                    }
                }
            } finally {
                finished.countDown();
            }
        };
        try {
            lanes.execute(message.deviceId(), task);
        } catch (RejectedExecutionException e) {
            // Stopping: left uncommitted for the next reader.
            finished.countDown();
        }
    }

    /** Whether the record is done (recorded, duplicate or skipped); false after a transient failure. */
    private boolean record(KafkaRecords.Message message, byte[] body, String where) {
        // As an HTTP request has one: the registry and the store read through it.
        ManagedContext requestContext = Arc.container().requestContext();
        requestContext.activate();
        try {
            String deviceId = message.deviceId();
            try {
                devices.requireRegistered(deviceId);
            } catch (Refusal e) {
                skipped("unknown-device", where + " of " + abbreviate(deviceId), e.getMessage());
                return true;
            }
            MessageIntake.Verdict verdict = intake.offer(MessageIntake.Binding.KAFKA, deviceId, message.envelope(),
                    body);
            if (verdict instanceof MessageIntake.Refused r) {
                skipped("refused", where + " of " + deviceId, r.error() + " (" + r.field() + "=" + r.value() + ")");
                return true;
            }
            if (verdict instanceof MessageIntake.Accepted) {
                return true;
            }
            transientFailure((MessageIntake.RetryLater) verdict, where);
            return false;
        } catch (RuntimeException e) {
            // Never leave a record without a verdict: the poll waits for all of them.
            MessageIntake.Verdict verdict = MessageIntake.verdict(e);
            if (verdict instanceof MessageIntake.Refused r) {
                skipped("refused", where, r.error());
                return true;
            }
            transientFailure((MessageIntake.RetryLater) verdict, where);
            return false;
        } finally {
            requestContext.terminate();
        }
    }

    private void transientFailure(MessageIntake.RetryLater retry, String where) {
        if (retry.cause() != null && DatabaseFaults.isDatabaseFault(retry.cause())) {
            writable.writeFailed(retry.cause());
        }
        lastError = "could not commit " + where + ": " + retry.reason();
        Log.warnf("Kafka ingest could not commit %s; its partition is read again from it: %s", where, retry
                .reason());
    }

    private void skipped(String reason, String where, String detail) {
        Counter.builder("backfill.kafka.ingest.skipped").tag("reason", reason)
                .description("Kafka records committed past without being recorded: they can never be ingested")
                .register(registry).increment();
        Log.warnf("Kafka ingest skipped %s (%s): %s", where, reason, detail);
    }

    private void backoff(int failuresInARow) {
        Duration delay = ReconnectBackoff.delay(failuresInARow, FIRST_RETRY, MAX_RETRY, ThreadLocalRandom.current()
                .nextDouble());
        try {
            stopSignal.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Whether the consumer has a connection to a broker now (its own metric; read on the polling thread). */
    private static boolean hasConnection(KafkaConsumer<?, ?> consumer) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals("connection-count") && n.group().equals("consumer-metrics")) {
                return e.getValue().metricValue() instanceof Number v && v.doubleValue() > 0;
            }
        }
        return true;
    }

    /** One partition's records of a poll and what became of them. */
    private static final class Batch {
        final TopicPartition partition;
        final List<ConsumerRecord<byte[], byte[]>> records;
        /** Written by the lanes before the latch counts down, read by the poller after it opened. */
        final boolean[] done;
        final AtomicBoolean failed = new AtomicBoolean();

        Batch(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records) {
            this.partition = partition;
            this.records = records;
            this.done = new boolean[records.size()];
        }
    }

    /** Rebalances run inside poll, when every record in hand is finished and committed: nothing to do but note it. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            joined = true;
            if (!partitions.isEmpty()) {
                Log.infof("Kafka ingest was assigned %s", partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                Log.infof("Kafka ingest gave up %s", partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Log.warnf("Kafka ingest lost %s (left the group)", partitions);
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

}
