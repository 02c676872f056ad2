package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

import com.reliableedge.fixtures.Mosquitto;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real mosquitto on 127.0.0.1 and points the service's MQTT ingest at it. */
public class MqttBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile Mosquitto broker;

    /** The broker of the running test (in the test's JVM). */
    public static Mosquitto broker() {
        return broker;
    }

    @Override
    public Map<String, String> start() {
        try {
            broker = Mosquitto.builder(Files.createTempDirectory("cloud-mqtt-ingest")).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("backfill.ingest.mqtt.url", broker.url(), "backfill.ingest.mqtt.client-id",
                "cloud-under-test");
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
