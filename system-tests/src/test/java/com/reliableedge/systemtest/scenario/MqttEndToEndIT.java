package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.systemtest.cloud.PrometheusText;
import com.reliableedge.systemtest.harness.Bindings;
import com.reliableedge.systemtest.harness.RelaySystem;

/**
 * Scenario 7: both apps over a plain MQTT broker (mosquitto), no HTTP between them. Batches flow through the broker;
 * the broker restarts mid-stream; the edge is killed with SIGKILL with publishes in flight (the broker frozen, so
 * they are taken but not acknowledged) and restarted, and resends them, which the cloud takes as duplicates; then the edge box
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

        // Frozen (SIGSTOP), the broker takes the edge's publishes into its socket but sends no PUBACK: the edge is
        // killed with several publishes in flight, which the broker delivers once it runs again and the restarted
        // edge sends again under the same messageId.
        signal(broker, "STOP");
        double acked = edgeMetric("relay_batches_acked_total", "");
        awaitUntil("the edge has publishes in flight", Duration.ofSeconds(20), () -> edgeMetric(
                "relay_batches_sent_total", "") >= edgeMetric("relay_batches_acked_total", "") + 3);
        assertThat(edgeMetric("relay_batches_acked_total", "")).as("acknowledged while the broker was frozen")
                .isEqualTo(acked);
        system.edge().kill();
        signal(broker, "CONT");
        faults++;
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));
        awaitUntil("the cloud took the resent publishes as duplicates", Duration.ofSeconds(60), () -> PrometheusText
                .sum(system.api().metrics(), "backfill_batches_duplicated_total", "") > 0);

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

    /** Sends {@code SIGname} to this test's mosquitto (found among this JVM's children by its config file). */
    private static void signal(Mosquitto broker, String name) throws IOException, InterruptedException {
        String conf = broker.log().getParent().resolve("mosquitto.conf").toString();
        ProcessHandle process = ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("")
                .contains(conf)).findFirst().orElseThrow(() -> new IllegalStateException("no mosquitto running with "
                        + conf));
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start()
                .waitFor();
        assertThat(exit).as("kill -%s %s", name, process.pid()).isZero();
    }

    @AfterEach
    void stopBroker() {
        stopSystem();
        if (broker != null) {
            broker.close();
        }
    }
}
