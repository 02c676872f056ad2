package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

import com.reliableedge.fixtures.Azurite;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The Event Hubs ingest on, with its checkpoints in a real Azurite blob service on 127.0.0.1, and its hub at
 * 127.0.0.1's AMQP port, where nothing listens (no Event Hubs can run here): the processor is built and started for
 * real and cannot connect.
 */
public class EventHubsResource implements QuarkusTestResourceLifecycleManager {

    public static final String NAMESPACE = "127.0.0.1";
    public static final String HUB = "iothub-ehub-test";
    public static final String CONNECTION_STRING = "Endpoint=sb://" + NAMESPACE
            + "/;SharedAccessKeyName=service;SharedAccessKey=bm90LWEtcmVhbC1rZXk=;EntityPath=" + HUB;

    private static volatile Azurite azurite;

    public static Azurite azurite() {
        return azurite;
    }

    @Override
    public Map<String, String> start() {
        try {
            azurite = Azurite.startBlob(Files.createTempDirectory("cloud-eventhubs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("backfill.ingest.eventhubs.connection-string", CONNECTION_STRING,
                "backfill.ingest.eventhubs.checkpoint-connection-string", azurite.connectionString(),
                "quarkus.datasource.jdbc.url", "jdbc:h2:mem:eventhubs-ingest;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=1000");
    }

    @Override
    public void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }
}
