package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.systemtest.harness.Bindings;
import com.reliableedge.systemtest.harness.RelaySystem;

/**
 * Scenario 7: both apps over a plain MQTT broker (mosquitto), no HTTP between them. Batches flow through the broker;
 * the broker restarts mid-stream; the edge is killed with SIGKILL while it publishes and restarted; then the edge box
 * is replaced (data wiped), so the cloud finds a hole and calls the backfill method through the broker
 * ({@code devices/{id}/methods/POST/backfill}), and the edge's answer and its backfill batches come back the same
 * way. Nothing is lost and nothing is served twice.
 */
class MqttEndToEndIT extends ScenarioBase {

    private Mosquitto broker;

    @Test
    void overABrokerEveryEventArrivesOnceThroughBrokerRestartEdgeKillAndAWipedEdge() throws Exception {
        RelaySystem.Setup base = setup();
        broker = Mosquitto.builder(base.work().resolve("mosquitto")).start();
        start(Bindings.mqtt(base, broker.url()));
        awaitUntil("data flows over the broker", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);
        holdFor(Duration.ofSeconds(3));

        double ackedBeforeRestart = edgeMetric("relay_batches_acked_total", "");
        broker.restart();
        faults++;
        awaitUntil("the edge publishes again after the broker restarted", Duration.ofSeconds(60),
                () -> edgeMetric("relay_batches_acked_total", "") > ackedBeforeRestart + 3);

        awaitUntil("the edge is publishing", Duration.ofSeconds(10), () -> edgeMetric("relay_batches_sent_total",
                "") > 0);
        system.edge().kill();
        faults++;
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));
        holdFor(Duration.ofSeconds(3));

        system.edge().kill();
        system.wipeEdgeData();
        faults += 2;
        holdFor(Duration.ofSeconds(6));
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));

        assertEverythingArrived(Duration.ofSeconds(120));
        JsonNode completed = system.api().backfills("COMPLETED");
        assertThat(completed.size()).as("backfill requests answered through the broker for the wiped edge's hole")
                .isPositive();
        assertThat(system.api().backfills(null).size()).as("every request completed").isEqualTo(completed.size());
        assertThat(system.upstream().acceptedConnections()).as("HTTP connections to the cloud's ingest").isZero();
        assertThat(system.methods().acceptedConnections()).as("HTTP connections to the edge's method endpoint")
                .isZero();
    }

    @AfterEach
    void stopBroker() {
        stopSystem();
        if (broker != null) {
            broker.close();
        }
    }
}
