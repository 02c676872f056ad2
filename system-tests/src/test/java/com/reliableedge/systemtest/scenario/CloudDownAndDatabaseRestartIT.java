package com.reliableedge.systemtest.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.FreePorts;
import com.reliableedge.systemtest.harness.RelaySystem;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Scenario 4: the cloud (on PostgreSQL) is killed while the source drops its live feed, so gaps form while nobody
 * watches; then PostgreSQL itself restarts. Once the cloud is back, nothing is lost and every gap is repaired.
 */
class CloudDownAndDatabaseRestartIT extends ScenarioBase {

    private EmbeddedPostgres postgres;
    private int pgPort;
    private Path pgData;

    @Test
    void everyGapIsRepairedOnceTheCloudIsBack() throws Exception {
        RelaySystem.Setup setup = setup();
        pgPort = FreePorts.next();
        pgData = Files.createDirectories(setup.work().resolve("postgres"));
        startPostgres();
        start(setup.withCloudApp("quarkus-app-postgresql")
                .withCloudConfig(Map.of(
                        "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                        "quarkus.datasource.username", "postgres",
                        "quarkus.datasource.password", "postgres"))
                .withEdgeConfig(Map.of(
                        "relay.source.simulator.disconnect-every", "12s",
                        "relay.source.simulator.disconnect-for", "3s")));
        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);
        holdFor(Duration.ofSeconds(5));

        system.cloud().kill();
        faults++;
        holdFor(Duration.ofSeconds(20)); // at least one live-feed drop happens meanwhile
        postgres.close();
        startPostgres();
        faults++;
        system.cloud().startAndAwaitReady(Duration.ofSeconds(90));

        assertEverythingArrived(Duration.ofSeconds(120));
    }

    private void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setPort(pgPort)
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .start();
    }

    @AfterEach
    void stopPostgres() throws IOException {
        if (postgres != null) {
            stopSystem();
            postgres.close();
        }
    }
}
