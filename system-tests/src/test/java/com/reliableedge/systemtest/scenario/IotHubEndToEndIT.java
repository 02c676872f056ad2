package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.fixtures.IotHubStandIn;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.fixtures.TestPki;
import com.reliableedge.systemtest.harness.Bindings;
import com.reliableedge.systemtest.harness.RelaySystem;

/**
 * Scenario 8: both apps over the IoT Hub stand-in. The edge runs the Azure IoT device SDK against the TLS broker on
 * 127.0.0.1:8883 (the hub's MQTT side) with the connection string the cloud handed out; the cloud's MQTT ingest reads
 * that broker (standing in for the hub's routing) and calls the backfill method with the IoT Hub service SDK through
 * {@link IotHubStandIn}, which forwards it as {@code $iothub/methods/POST/backfill} as the hub does. The edge box is
 * replaced (data wiped) and killed while it publishes; the hole is backfilled through direct methods and every event
 * is served once.
 */
class IotHubEndToEndIT extends ScenarioBase {

    private Mosquitto broker;
    private IotHubStandIn hub;

    @Test
    void overTheHubStandInTheHoleIsBackfilledThroughDirectMethods() throws Exception {
        // The device SDK keeps its session (cleanSession=false): a fresh device id per run.
        RelaySystem.Setup base = setup().withDeviceId("hub-site-" + UUID.randomUUID().toString().substring(0, 8));
        TestPki pki = TestPki.create(Files.createDirectories(base.work().resolve("pki")));
        broker = Mosquitto.builder(base.work().resolve("mosquitto")).port(8883).tls(pki).start();
        hub = IotHubStandIn.start(pki, broker.url());
        String service = "HostName=" + hub.hostName() + ";SharedAccessKeyName=service;SharedAccessKey="
                + Base64.getEncoder().encodeToString("system-test-service-key-0123456789".getBytes(
                        StandardCharsets.US_ASCII));
        start(Bindings.iotHub(base, broker.url(), pki.caCertificate(), service));
        awaitUntil("data flows through the hub stand-in", Duration.ofSeconds(60), () -> system.api().streams()
                .size() == 3);
        holdFor(Duration.ofSeconds(3));

        system.edge().kill();
        faults++;
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));
        holdFor(Duration.ofSeconds(3));

        system.edge().kill();
        system.wipeEdgeData();
        faults += 2;
        holdFor(Duration.ofSeconds(6));
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));

        assertEverythingArrived(Duration.ofSeconds(150));
        JsonNode completed = system.api().backfills("COMPLETED");
        assertThat(completed.size()).as("backfill requests answered through the hub's direct methods").isPositive();
        assertThat(system.api().backfills(null).size()).as("every request completed").isEqualTo(completed.size());
        assertThat(hub.calls()).as("direct-method calls the hub stand-in forwarded").isNotEmpty().allSatisfy(
                c -> assertThat(c.methodName()).isEqualTo("backfill"));
        assertThat(system.upstream().acceptedConnections()).as("HTTP connections to the cloud's ingest").isZero();
        assertThat(system.methods().acceptedConnections()).as("HTTP connections to the edge's method endpoint")
                .isZero();
    }

    @AfterEach
    void stopBrokerAndHub() {
        stopSystem();
        if (hub != null) {
            hub.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
