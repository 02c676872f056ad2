package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.KafkaBroker;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.fixtures.MqttToKafkaRoute;
import com.reliableedge.systemtest.harness.Bindings;
import com.reliableedge.systemtest.harness.RelaySystem;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Scenario 12: ingest that scales out. The edge publishes on MQTT; a stand-in for IoT Hub message routing moves each
 * message to a Kafka topic of 4 partitions, keyed by device; two packaged cloud instances (the PostgreSQL build, one
 * embedded PostgreSQL) consume it in one consumer group and send the backfill method through the broker. The edge
 * box is replaced (data wiped), so a hole forms; the instance that owns the device's partition is killed with
 * SIGKILL while the edge catches up, with records taken and not yet committed. The survivor takes over all 4
 * partitions, and at the end nothing is lost, no event is stored twice (checked in the database), and no two
 * overlapping requests of a stream were ever REQUESTED at the same time (the database watched throughout).
 */
class TwoCloudInstancesKafkaIT extends ScenarioBase {

    private static final String TOPIC = "device-messages";
    private static final String GROUP = "cloud-backfill";
    private static final int PARTITIONS = 4;

    private EmbeddedPostgres postgres;
    private KafkaBroker kafka;
    private Mosquitto broker;
    private MqttToKafkaRoute route;
    private ScheduledExecutorService watcher;
    /** The watcher's connection, used by its one thread only. */
    private Connection watching;

    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final AtomicLong requestedSeen = new AtomicLong();
    private final AtomicLong snapshots = new AtomicLong();

    @Test
    void twoInstancesShareTheTopicAndTheSurvivorOfASigkillTakesAllPartitionsLosingAndDoublingNothing()
            throws Exception {
        RelaySystem.Setup base = setup();
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        String jdbc = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        kafka = KafkaBroker.start(base.work().resolve("kafka"));
        kafka.createTopic(TOPIC, PARTITIONS);
        broker = Mosquitto.builder(base.work().resolve("mosquitto")).start();
        route = MqttToKafkaRoute.start(broker.url(), "iothub-routing", kafka.bootstrapServers(), TOPIC);

        start(Bindings.kafka(base, broker.url(), kafka.bootstrapServers(), TOPIC)
                .withCloudApp("quarkus-app-postgresql")
                .withCloudConfig(Map.of(
                        "quarkus.datasource.jdbc.url", jdbc,
                        "quarkus.datasource.username", "postgres",
                        "quarkus.datasource.password", "postgres",
                        "backfill.ingest.kafka.group-id", GROUP,
                        // A killed instance's partitions move after this, not after the default 45 s.
                        "backfill.ingest.kafka.session-timeout", "6s"))
                .withCloudConfig(instance("a")));
        AppProcess b = system.startAnotherCloud("b", instance("b"));
        watchRequests(jdbc);

        awaitUntil("both instances share the 4 partitions", Duration.ofSeconds(60), () -> {
            Map<String, Integer> owned = partitionsByClient();
            return owned.size() == 2 && owned.values().stream().allMatch(n -> n > 0) && owned.values().stream()
                    .mapToInt(Integer::intValue).sum() == PARTITIONS;
        });
        awaitUntil("data flows through Kafka", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);
        holdFor(Duration.ofSeconds(2));

        // The edge box is replaced: what it had not sent is gone, and the cloud must ask for it.
        system.edge().kill();
        system.wipeEdgeData();
        faults += 2;
        holdFor(Duration.ofSeconds(5));
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));

        // Mid-stream: the owner of the device's partition dies with records polled and not yet committed.
        int partition = partitionOf(system.setup().deviceId());
        String owner = ownerOf(partition);
        AppProcess victim = owner.startsWith("cloud-a") ? system.cloud() : b;
        AppProcess survivor = victim == b ? system.cloud() : b;
        String survivorClient = victim == b ? "cloud-a" : "cloud-b";
        victim.kill();
        faults++;
        System.out.printf("killed %s (owner of partition %d) with %d messages routed; %s survives%n", owner,
                partition, route.routed(), survivorClient);
        system.useCloud(survivor);
        awaitUntil("the survivor owns all 4 partitions", Duration.ofSeconds(45), () -> {
            Map<String, Integer> owned = partitionsByClient();
            return owned.size() == 1 && owned.getOrDefault(survivorClient, 0) == PARTITIONS;
        });

        assertEverythingArrived(Duration.ofSeconds(90));
        watcher.shutdownNow();
        watcher.awaitTermination(5, TimeUnit.SECONDS);

        System.out.printf("request table: %d snapshots, %d with a request REQUESTED; %d messages routed%n",
                snapshots.get(), requestedSeen.get(), route.routed());
        JsonNode completed = system.api().backfills("COMPLETED");
        assertThat(completed.size()).as("backfill requests answered for the wiped edge's hole").isPositive();
        assertThat(duplicateEvents(jdbc)).as("events stored twice (stream_id, idx)").isEmpty();
        assertThat(snapshots.get()).as("snapshots of the request table taken").isPositive();
        assertThat(requestedSeen.get()).as("snapshots that saw a request REQUESTED").isPositive();
        assertThat(overlaps).as("overlapping requests of one stream REQUESTED at the same time").isEmpty();
        assertThat(route.dropped()).as("messages the route could not read: %s", route.dropReasons()).isZero();
        assertThat(system.upstream().acceptedConnections()).as("HTTP connections to the cloud's ingest").isZero();
    }

    /** The keys that make one cloud instance distinct in the group and on the broker. */
    private static Map<String, String> instance(String name) {
        return Map.of(
                "backfill.ingest.kafka.client-id", "cloud-" + name,
                "backfill.invoker.mqtt.client-id", "cloud-" + name + "-invoker");
    }

    /** The partition Kafka's default partitioner puts the device's records in (murmur2 of the key). */
    private static int partitionOf(String deviceId) {
        return Utils.toPositive(Utils.murmur2(deviceId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** Partitions of the topic per member client id, as the group coordinator assigned them. */
    private Map<String, Integer> partitionsByClient() throws Exception {
        Map<String, Integer> owned = new HashMap<>();
        for (MemberDescription m : group().members()) {
            int n = (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(TOPIC)).count();
            owned.merge(m.clientId(), n, Integer::sum);
        }
        return owned;
    }

    private String ownerOf(int partition) throws Exception {
        for (MemberDescription m : group().members()) {
            if (m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(TOPIC) && tp
                    .partition() == partition)) {
                return m.clientId();
            }
        }
        throw new IllegalStateException("no member owns partition " + partition + " of " + TOPIC);
    }

    private ConsumerGroupDescription group() throws Exception {
        try (Admin admin = kafka.adminClient()) {
            return admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
        }
    }

    /**
     * Takes a snapshot of the REQUESTED requests every 100 ms (one statement: one consistent view) and records any
     * two of a stream whose windows overlap.
     */
    private void watchRequests(String jdbc) {
        watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(() -> {
            try {
                if (watching == null) {
                    watching = DriverManager.getConnection(jdbc, "postgres", "postgres");
                }
                snapshot(watching);
            } catch (SQLException e) {
                // Before the schema exists, or a connection lost under load: the next snapshot tries again.
                closeQuietly(watching);
                watching = null;
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void snapshot(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT r.request_id, r.stream_id, r.start_index, r.end_index,"
                        + " o.request_id, o.start_index, o.end_index, (SELECT COUNT(*) FROM backfill_request"
                        + " WHERE state = 'REQUESTED') FROM (SELECT 1) one LEFT JOIN backfill_request r ON"
                        + " r.state = 'REQUESTED' LEFT JOIN backfill_request o ON o.state = 'REQUESTED' AND"
                        + " o.stream_id = r.stream_id AND o.request_id > r.request_id AND o.start_index <"
                        + " r.end_index AND r.start_index < o.end_index")) {
            long requested = 0;
            while (rs.next()) {
                requested = rs.getLong(8);
                if (rs.getString(5) != null) {
                    overlaps.add(String.format("stream %d: %s [%d, %d) and %s [%d, %d)", rs.getLong(2), rs
                            .getString(1), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
                            rs
                                    .getLong(7)));
                }
            }
            snapshots.incrementAndGet();
            if (requested > 0) {
                requestedSeen.incrementAndGet();
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // it is being replaced
            }
        }
    }

    private static List<String> duplicateEvents(String jdbc) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT stream_id, idx, COUNT(*) FROM stream_event GROUP BY stream_id,"
                        + " idx HAVING COUNT(*) > 1")) {
            while (rs.next()) {
                out.add("stream " + rs.getLong(1) + " index " + rs.getLong(2) + ": " + rs.getLong(3) + " rows");
            }
        }
        return out;
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher.awaitTermination(5, TimeUnit.SECONDS);
            closeQuietly(watching);
        }
        stopSystem();
        if (route != null) {
            route.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
