package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

import com.reliableedge.fixtures.Azurite;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real Azurite queue service on 127.0.0.1 and points the service's retry queue at it. */
public class AzuriteResource implements QuarkusTestResourceLifecycleManager {

    private static volatile Azurite azurite;

    /** The Azurite of the running test (in the test's JVM). */
    public static Azurite azurite() {
        return azurite;
    }

    @Override
    public Map<String, String> start() {
        try {
            azurite = Azurite.start(Files.createTempDirectory("cloud-azurite"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("backfill.queue.kind", "azure-storage-queue", "backfill.queue.connection-string",
                azurite.connectionString());
    }

    @Override
    public void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }
}
