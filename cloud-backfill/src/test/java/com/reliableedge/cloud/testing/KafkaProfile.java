package com.reliableedge.cloud.testing;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service with Kafka ingest on, against a broker the test starts ({@link KafkaBrokerResource}), and a lock
 * timeout of one second, so that a held lock makes a transient ingest failure quickly.
 */
public class KafkaProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.datasource.jdbc.url", "jdbc:h2:mem:kafka-ingest;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=1000");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class));
    }
}
