package com.reliableedge.cloud.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.Readiness;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.models.ErrorContext;
import com.azure.messaging.eventhubs.models.EventBatchContext;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.BackfillMode;
import com.reliableedge.cloud.health.DatabaseFaults;
import com.reliableedge.cloud.health.DatabaseWritableCheck;
import com.reliableedge.cloud.ingest.EventHubsEvents.Ingestible;
import com.reliableedge.cloud.ingest.EventHubsEvents.Skip;
import com.reliableedge.cloud.security.DeviceAuthenticator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The Event Hubs ingest, on when {@code backfill.ingest.eventhubs.connection-string} is set: IoT Hub's built-in
 * endpoint read with the SDK's {@link EventProcessorClient} (partitions shared by every instance of one consumer
 * group, ownership and checkpoints in Blob storage), each event mapped ({@link EventHubsEvents}) and handed to the
 * one ingest path ({@link MessageIntake}).
 * <p>
 * A partition's events come in batches; those of one device are handled in order, different devices side by side
 * (so group commit can gather them). The batch is checkpointed (its last event, which covers all before it) only
 * once every event of it is done: committed, a duplicate, or skipped for good (counted in
 * {@code backfill_eventhubs_ingest_skipped_total{reason}}). An event that could not be committed for a passing
 * reason (the database) is offered again, after a backoff, in place, while its partition waits: nothing after it is
 * checkpointed meanwhile. Stopping (or a crash) while it waits leaves the checkpoint before it, so whoever owns the
 * partition next reads it again; what was recorded meanwhile comes back as duplicates.
 */
@ApplicationScoped
public class EventHubsIngest {

    /** Workers that run the ingest; the processor's own threads only wait for them (an interrupt never hits H2). */
    private static final int WORKERS = 4;
    private static final int MAX_BATCH = 64;
    private static final Duration MAX_WAIT = Duration.ofSeconds(1);
    private static final Duration LOAD_BALANCING_INTERVAL = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    /** What readiness shows. */
    public record State(boolean enabled, boolean running, boolean ready, String namespace, String eventHubName,
            String consumerGroup, String checkpointContainer, long checkpointed, Instant startedAt, String lastError) {
    }

    private final BackfillConfig.EventHubs config;
    private final MessageIntake intake;
    private final DeviceAuthenticator devices;
    private final DatabaseWritableCheck writable;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter retried;

    private volatile EventHubsSettings settings;
    private volatile CheckpointStore checkpointStore;
    private volatile EventProcessorClient processor;
    private volatile ExecutorService workers;
    private volatile CountDownLatch stopSignal = new CountDownLatch(0);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicLong checkpointed = new AtomicLong();
    private volatile Instant startedAt;
    private volatile Instant lastErrorAt;
    private volatile Instant lastSuccessAt;
    private volatile String lastError;

    @Inject
    public EventHubsIngest(BackfillConfig config, MessageIntake intake, DeviceAuthenticator devices,
            @Readiness DatabaseWritableCheck writable, MeterRegistry registry) {
        this(config.ingest().eventhubs(), intake, devices, writable, registry, Clock.systemUTC());
    }

    EventHubsIngest(BackfillConfig.EventHubs config, MessageIntake intake, DeviceAuthenticator devices,
            DatabaseWritableCheck writable, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.intake = intake;
        this.devices = devices;
        this.writable = writable;
        this.registry = registry;
        this.clock = clock;
        this.retried = Counter.builder("backfill.eventhubs.ingest.retried")
                .description("Event Hubs events offered again because they could not be committed").register(registry);
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

    /**
     * Checks the configuration and opens the checkpoint container (failing startup naming the key), builds the
     * processor and starts it, when on. The processor connects in the background; readiness says how it goes.
     */
    public synchronized void start() {
        if (processor != null) {
            return;
        }
        EventHubsSettings s = EventHubsSettings.of(config).orElse(null);
        if (s == null) {
            return;
        }
        BlobContainerAsyncClient container;
        try {
            container = EventHubsCheckpoints.container(s.checkpointConnectionString(), s.checkpointContainer());
        } catch (RuntimeException e) {
            // The parser's message may quote the connection string, which holds the account key: name the key only.
            throw new IllegalStateException(EventHubsSettings.CHECKPOINT_CONNECTION_STRING
                    + " is not a valid Azure Storage connection string");
        }
        CheckpointStore store;
        try {
            store = EventHubsCheckpoints.store(container);
        } catch (RuntimeException e) {
            throw new IllegalStateException("backfill.ingest.eventhubs: cannot open the checkpoint container '"
                    + s.checkpointContainer() + "' with " + EventHubsSettings.CHECKPOINT_CONNECTION_STRING + ": "
                    + e.getClass().getSimpleName(), e);
        }
        EventProcessorClient built = build(s, store);
        settings = s;
        checkpointStore = store;
        stopping.set(false);
        stopSignal = new CountDownLatch(1);
        workers = Executors.newFixedThreadPool(WORKERS, new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "eventhubs-ingest-" + n.getAndIncrement());
                t.setDaemon(true);
                return t;
            }
        });
        startedAt = clock.instant();
        lastError = null;
        lastErrorAt = null;
        lastSuccessAt = null;
        processor = built;
        Log.infof("Event Hubs ingest: %s/%s, consumer group %s, checkpoints in container %s",
                s.fullyQualifiedNamespace(), s.eventHubName(), s.consumerGroup(), s.checkpointContainer());
        built.start();
    }

    /** The processor as configured: the real SDK builder (tests check that it builds). */
    EventProcessorClient build(EventHubsSettings s, CheckpointStore store) {
        try {
            return new EventProcessorClientBuilder().connectionString(s.connectionString(), s.eventHubName())
                    .consumerGroup(s.consumerGroup()).checkpointStore(store)
                    .processEventBatch(this::processBatch, MAX_BATCH, MAX_WAIT).processError(this::onError)
                    .processPartitionInitialization(init -> succeeded())
                    .processPartitionClose(close -> Log.infof("Event Hubs ingest: partition %s closed (%s)", close
                            .getPartitionContext().getPartitionId(), close.getCloseReason()))
                    // Without a checkpoint, from the oldest event the hub still holds: duplicates are harmless,
                    // the SDK's default (the latest) would lose what arrived before the first start.
                    .initialPartitionEventPosition(partition -> EventPosition.earliest())
                    .loadBalancingUpdateInterval(LOAD_BALANCING_INTERVAL).buildEventProcessorClient();
        } catch (RuntimeException e) {
            throw new IllegalStateException("backfill.ingest.eventhubs: the Event Hubs processor cannot be built from "
                    + EventHubsSettings.CONNECTION_STRING + " and " + EventHubsSettings.EVENT_HUB_NAME + ": "
                    + e.getClass().getSimpleName());
        }
    }

    /** Stops the processor; an event still waiting for its commit is left unchecked-pointed, to be read again. */
    public synchronized void stop() {
        EventProcessorClient p = processor;
        if (p == null) {
            return;
        }
        stopping.set(true);
        stopSignal.countDown();
        try {
            p.stop();
        } catch (RuntimeException e) {
            Log.warnf("Event Hubs ingest: stopping the processor: %s", e.toString());
        }
        ExecutorService w = workers;
        // Not shutdownNow: an interrupt in the middle of a commit makes H2 close the database for the whole process.
        w.shutdown();
        try {
            w.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processor = null;
    }

    public State state() {
        EventHubsSettings s = settings;
        EventProcessorClient p = processor;
        if (s == null) {
            return new State(false, false, false, null, null, null, null, 0, null, null);
        }
        boolean running = p != null && p.isRunning();
        boolean ready = running && EventHubsReadiness.ready(startedAt, lastErrorAt, lastSuccessAt, clock.instant(),
                EventHubsReadiness.QUIET);
        return new State(true, running, ready, s.fullyQualifiedNamespace(), s.eventHubName(), s.consumerGroup(), s
                .checkpointContainer(), checkpointed.get(), startedAt, lastError);
    }

    /** The checkpoint store the processor uses (tests hand it batches of their own). */
    CheckpointStore checkpointStore() {
        return checkpointStore;
    }

    private void onError(ErrorContext error) {
        String partition = error.getPartitionContext().getPartitionId();
        Throwable t = error.getThrowable();
        lastError = "NONE".equals(partition) && t instanceof TimeoutException
                // The load balancer gives the hub one minute to list its partitions; the SDK logs the reason.
                ? "load balancing: no answer from " + settings.fullyQualifiedNamespace() + "/" + settings
                        .eventHubName() + " within a minute (unreachable, or refused the connection string's key)"
                : "partition " + partition + ": " + t;
        lastErrorAt = clock.instant();
        Log.warnf("Event Hubs ingest: %s", lastError);
    }

    private void succeeded() {
        lastSuccessAt = clock.instant();
    }

    /**
     * Handles one batch of one partition and checkpoints what is done: every event, unless the ingest stops while an
     * event waits to be committed.
     */
    void processBatch(EventBatchContext batch) {
        succeeded();
        List<EventData> events = batch.getEvents();
        if (events.isEmpty()) {
            return;
        }
        Boolean[] done = new Boolean[events.size()];
        Map<String, List<Integer>> byDevice = new LinkedHashMap<>();
        List<Ingestible> mapped = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EventHubsEvents.Mapped m = EventHubsEvents.map(events.get(i));
            if (m instanceof Skip s) {
                skipped(s.reason().tag, s.deviceId(), s.error());
                done[i] = true;
                mapped.add(null);
            } else {
                Ingestible in = (Ingestible) m;
                mapped.add(in);
                done[i] = false;
                byDevice.computeIfAbsent(in.deviceId(), d -> new ArrayList<>()).add(i);
            }
        }
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        try {
            for (List<Integer> indexes : byDevice.values()) {
                lanes.add(CompletableFuture.runAsync(() -> {
                    for (int i : indexes) {
                        if (!handleUntilDone(mapped.get(i))) {
                            return;
                        }
                        done[i] = true;
                    }
                }, workers));
            }
            CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get();
        } catch (RejectedExecutionException e) {
            // Stopping: nothing is checkpointed past what is done.
        } catch (InterruptedException e) {
            // The processor is closing the partition: checkpoint what is done, leave the rest to be read again.
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            Log.error("Event Hubs ingest: unexpected failure in a batch; its rest will be read again", e.getCause());
        }
        int last = EventHubsCheckpoints.lastCheckpointable(Arrays.asList(done.clone()));
        if (last < 0) {
            return;
        }
        try {
            new EventBatchContext(batch.getPartitionContext(), events.subList(0, last + 1), checkpointStore, null)
                    .updateCheckpoint();
            checkpointed.addAndGet(last + 1);
            succeeded();
        } catch (RuntimeException e) {
            // The next checkpoint covers these events; until then they would be read again, as duplicates.
            lastError = "partition " + batch.getPartitionContext().getPartitionId() + ": cannot write the checkpoint: "
                    + e;
            lastErrorAt = clock.instant();
            Log.warnf("Event Hubs ingest: %s", lastError);
        }
    }

    /** Offers the event until it is done; false when the ingest stops first (the event is then not done). */
    private boolean handleUntilDone(Ingestible event) {
        while (true) {
            MessageIntake.RetryLater retry = handle(event);
            if (retry == null) {
                failures.set(0);
                return true;
            }
            retried.increment();
            if (retry.cause() != null && DatabaseFaults.isDatabaseFault(retry.cause())) {
                writable.writeFailed(retry.cause());
            }
            Duration delay = ReconnectBackoff.delay(failures.incrementAndGet(), FIRST_RETRY, MAX_RETRY,
                    ThreadLocalRandom.current().nextDouble());
            Log.warnf("Event Hubs ingest could not commit a message of %s; trying again in %d ms: %s", event
                    .deviceId(), delay.toMillis(), retry.reason());
            try {
                if (stopping.get() || stopSignal.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Null when done (recorded, duplicate or skipped), else the transient failure. */
    private MessageIntake.RetryLater handle(Ingestible event) {
        // As an HTTP request has one: the registry and the store read through it.
        ManagedContext requestContext = Arc.container().requestContext();
        requestContext.activate();
        try {
            try {
                devices.requireRegistered(event.deviceId());
            } catch (Refusal e) {
                skipped("unknown-device", event.deviceId(), e.getMessage());
                return null;
            }
            MessageIntake.Verdict verdict = intake.offer(MessageIntake.Binding.EVENTHUBS, event.deviceId(), event
                    .envelope(), event.body());
            if (verdict instanceof MessageIntake.Refused r) {
                skipped("refused", event.deviceId(), r.error() + " (" + r.field() + "=" + r.value() + ")");
                return null;
            }
            if (verdict instanceof MessageIntake.RetryLater r) {
                return r;
            }
            return null;
        } catch (RuntimeException e) {
            MessageIntake.Verdict v = MessageIntake.verdict(e);
            if (v instanceof MessageIntake.Refused r) {
                skipped("refused", event.deviceId(), r.error() + " (" + r.field() + "=" + r.value() + ")");
                return null;
            }
            return v instanceof MessageIntake.RetryLater r ? r : new MessageIntake.RetryLater(String.valueOf(v), e);
        } finally {
            requestContext.terminate();
        }
    }

    private void skipped(String reason, String deviceId, String error) {
        Counter.builder("backfill.eventhubs.ingest.skipped").tag("reason", reason)
                .description("Event Hubs events checkpointed past without being recorded: they can never be ingested")
                .register(registry).increment();
        Log.warnf("Event Hubs ingest skipped an event (%s) of %s: %s", reason, deviceId == null
                ? "no device"
                : deviceId, error);
    }
}
