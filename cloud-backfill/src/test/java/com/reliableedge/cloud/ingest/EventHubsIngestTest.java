package com.reliableedge.cloud.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.EventBatchContext;
import com.azure.messaging.eventhubs.models.PartitionContext;
import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.EventHubsProfile;
import com.reliableedge.cloud.testing.EventHubsResource;
import com.reliableedge.cloud.testing.IotHubEvents;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The service with the Event Hubs ingest on: the real {@code EventProcessorClient} built from the real configuration
 * and started (it cannot connect: no Event Hubs runs here), checkpoints in a real Azurite. Batches of events made by
 * the SDK's own receive path ({@link IotHubEvents}) are handed to the ingest as the processor hands them, with a real
 * {@link EventBatchContext} on the real checkpoint store: what is checkpointed, and when.
 */
@QuarkusTest
@TestProfile(EventHubsProfile.class)
class EventHubsIngestTest extends ServiceTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    EventHubsIngest ingest;

    @Inject
    MeterRegistry registry;

    @Inject
    AgroalDataSource dataSource;

    private static EventData live(String device, long start, long end, long seq, long sequenceNumber) {
        List<byte[]> events = Edge.events("line-1", IndexKind.SEQUENCE, start, end);
        MessageProperties p = MessageProperties.live("line-1", IndexKind.SEQUENCE, new Window(start, end), events
                .size(), seq, 0);
        return IotHubEvents.delivered(device, Envelope.of(device, p), BatchBody.join(events), sequenceNumber);
    }

    private static PartitionContext partition(String id) {
        return new PartitionContext(EventHubsResource.NAMESPACE, EventHubsResource.HUB, "$Default", id);
    }

    private void process(String partition, EventData... events) {
        ingest.processBatch(new EventBatchContext(partition(partition), List.of(events), ingest.checkpointStore(),
                null));
    }

    private Optional<Checkpoint> checkpoint(String partition) {
        return ingest.checkpointStore().listCheckpoints(EventHubsResource.NAMESPACE, EventHubsResource.HUB,
                "$Default").collectList().block().stream().filter(c -> c.getPartitionId().equals(partition))
                .findFirst();
    }

    private double skipped(String reason) {
        var c = Search.in(registry).name("backfill.eventhubs.ingest.skipped").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void theProcessorIsBuiltFromTheConfigurationAndStartedAndReadinessSaysWhyItIsNotReady() {
        // A fresh processor: the other tests hand batches to the ingest themselves, which counts as progress.
        ingest.stop();
        assertThat(ingest.state().running()).isFalse();
        ingest.start();
        EventHubsIngest.State state = ingest.state();
        assertThat(state.enabled()).isTrue();
        assertThat(state.running()).isTrue();
        assertThat(state.namespace()).isEqualTo("127.0.0.1");
        assertThat(state.eventHubName()).isEqualTo(EventHubsResource.HUB);
        assertThat(state.consumerGroup()).isEqualTo("$Default");
        assertThat(state.checkpointContainer()).isEqualTo("backfill-checkpoints");
        // Nothing listens on 127.0.0.1's AMQP port: no partition opens, no batch comes; readiness says so. (The
        // load balancer reports it as an error after its one-minute timeout: lastError, not waited for here.)
        assertThat(ingest.state().ready()).isFalse();
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'eventhubs-ingest' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'eventhubs-ingest' }.data.running", equalTo(true))
                .body("checks.find { it.name == 'eventhubs-ingest' }.data.eventHubName", equalTo(
                        EventHubsResource.HUB))
                .body("checks.find { it.name == 'eventhubs-ingest' }.data", anyOf(hasKey("waiting"), hasKey(
                        "lastError")));
    }

    @Test
    void aBatchIsRecordedOnceAndCheckpointedAtItsLastEventAfterTheCommit() {
        Edge.register("eh-1");
        assertThat(checkpoint("0")).isEmpty();
        EventData first = live("eh-1", 0, 10, 1, 100);
        // The second comes twice, as after a redelivery.
        process("0", first, live("eh-1", 10, 20, 2, 101), live("eh-1", 10, 20, 2, 102));

        assertThat(Database.count("recorded_batch")).isEqualTo(2);
        assertThat(Database.count("stream_event")).isEqualTo(20);
        assertThat(checkpoint("0")).hasValueSatisfying(c -> {
            assertThat(c.getSequenceNumber()).isEqualTo(102L);
            assertThat(c.getOffsetString()).isEqualTo(Long.toString(102 * 512));
        });
        Edge.operator().get("/api/v1/streams/eh-1/line-1").then().statusCode(200)
                .body("coverage[0].startWindow", equalTo("0")).body("coverage[0].endWindow", equalTo("20"));
    }

    @Test
    void neverIngestibleEventsAreCountedAndCheckpointedPastAndTheNextOneLands() {
        Edge.register("eh-2");
        double unknown = skipped("unknown-device");
        double noDevice = skipped("no-device");
        double notTelemetry = skipped("not-telemetry");
        double malformed = skipped("malformed");
        double refused = skipped("refused");
        var events = Edge.events("line-1", IndexKind.SEQUENCE, 0, 10);
        MessageProperties p = MessageProperties.live("line-1", IndexKind.SEQUENCE, new Window(0, 10), events.size(),
                1, 0);
        process("1", live("nobody", 0, 10, 1, 1),
                IotHubEvents.message(2).envelope(Envelope.of("eh-2", p)).delivered(),
                IotHubEvents.message(3).device("eh-2").annotation("iothub-message-source", "deviceLifecycleEvents")
                        .body("{}".getBytes(StandardCharsets.UTF_8)).delivered(),
                IotHubEvents.message(4).device("eh-2").envelope(Envelope.of("eh-2", p)).contentType("text/plain")
                        .delivered(),
                // Another device's message id: a refusal, as HTTP answers 400.
                IotHubEvents.delivered("eh-2", Envelope.of("eh-9", p), BatchBody.join(events), 5),
                live("eh-2", 0, 10, 1, 6));

        assertThat(skipped("unknown-device") - unknown).isEqualTo(1);
        assertThat(skipped("no-device") - noDevice).isEqualTo(1);
        assertThat(skipped("not-telemetry") - notTelemetry).isEqualTo(1);
        assertThat(skipped("malformed") - malformed).isEqualTo(1);
        assertThat(skipped("refused") - refused).isEqualTo(1);
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
        assertThat(checkpoint("1")).hasValueSatisfying(c -> assertThat(c.getSequenceNumber()).isEqualTo(6L));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("backfill_eventhubs_ingest_skipped_total{reason=\"not-telemetry\"}"));
    }

    @Test
    void anEventThatCannotBeCommittedIsOfferedAgainAndNothingIsCheckpointedUntilItIsCommitted() throws Exception {
        Edge.register("eh-3");
        Edge.register("eh-4");
        double retriedBefore = registry.counter("backfill.eventhubs.ingest.retried").count();
        CompletableFuture<Void> batch;
        try (Connection holder = dataSource.getConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            // Another transaction holds the device's row, which creating a stream locks: every try times out.
            st.executeQuery("SELECT device_id FROM device WHERE device_id = 'eh-3' FOR UPDATE").close();
            batch = CompletableFuture.runAsync(() -> process("2", live("eh-3", 0, 10, 1, 10), live("eh-4", 0, 10,
                    1, 11)));
            await().atMost(WAIT)
                    .until(() -> registry.counter("backfill.eventhubs.ingest.retried").count() >= retriedBefore + 2);
            // The other device's event is committed meanwhile, but the checkpoint may not pass the waiting one.
            await().atMost(WAIT).until(() -> Database.count("recorded_batch") == 1);
            assertThat(batch).isNotDone();
            assertThat(checkpoint("2")).isEmpty();
            holder.rollback();
        }
        batch.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Database.count("recorded_batch")).isEqualTo(2);
        assertThat(Database.count("stream_event")).isEqualTo(20);
        assertThat(checkpoint("2")).hasValueSatisfying(c -> assertThat(c.getSequenceNumber()).isEqualTo(11L));
    }

    @Test
    void stoppingWhileAnEventWaitsLeavesTheCheckpointBeforeItSoThatItIsReadAgain() throws Exception {
        Edge.register("eh-5");
        process("3", live("eh-5", 0, 10, 1, 20));
        assertThat(checkpoint("3")).hasValueSatisfying(c -> assertThat(c.getSequenceNumber()).isEqualTo(20L));
        double retriedBefore = registry.counter("backfill.eventhubs.ingest.retried").count();
        CompletableFuture<Void> batch;
        try (Connection holder = dataSource.getConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.executeQuery("SELECT id FROM stream WHERE device_id = 'eh-5' FOR UPDATE").close();
            batch = CompletableFuture.runAsync(() -> process("3", live("eh-5", 10, 20, 2, 21), live("eh-5", 20, 30,
                    3, 22)));
            await().atMost(WAIT)
                    .until(() -> registry.counter("backfill.eventhubs.ingest.retried").count() >= retriedBefore + 1);
            ingest.stop();
            batch.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            holder.rollback();
        } finally {
            ingest.start();
        }
        // Neither the waiting event nor the one after it is covered: whoever owns the partition next reads both.
        assertThat(checkpoint("3")).hasValueSatisfying(c -> assertThat(c.getSequenceNumber()).isEqualTo(20L));
        assertThat(Database.count("recorded_batch")).isEqualTo(1);
        // Read again (here: handed again), they land once each.
        process("3", live("eh-5", 10, 20, 2, 21), live("eh-5", 20, 30, 3, 22));
        assertThat(Database.count("recorded_batch")).isEqualTo(3);
        assertThat(checkpoint("3")).hasValueSatisfying(c -> assertThat(c.getSequenceNumber()).isEqualTo(22L));
        given().get("/q/health/ready").then().body("checks.name", hasItem("eventhubs-ingest"));
    }
}
