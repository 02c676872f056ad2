package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

import com.reliableedge.fixtures.KafkaBroker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real Kafka broker in process on 127.0.0.1 with a topic of 4 partitions and points the Kafka ingest at it. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOPIC = "device-messages";
    public static final String GROUP = "cloud-under-test";
    public static final int PARTITIONS = 4;

    private static volatile KafkaBroker broker;

    /** The broker of the running test (in the test's JVM). */
    public static KafkaBroker broker() {
        return broker;
    }

    @Override
    public Map<String, String> start() {
        try {
            broker = KafkaBroker.start(Files.createTempDirectory("cloud-kafka-ingest"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker.createTopic(TOPIC, PARTITIONS);
        return Map.of("backfill.ingest.kafka.bootstrap-servers", broker.bootstrapServers(),
                "backfill.ingest.kafka.topic", TOPIC, "backfill.ingest.kafka.group-id", GROUP,
                "backfill.ingest.kafka.client-id", "cloud-under-test", "backfill.ingest.kafka.poll-timeout", "200ms",
                "backfill.ingest.kafka.session-timeout", "10s");
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
