package com.reliableedge.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.FreePorts;

/**
 * The SQL Server package ({@code target/quarkus-app-mssql}) pointed at a port where no server listens (127.0.0.1, a
 * closed port) stops at startup, at once, naming the host and the port, before it listens: it neither hangs nor
 * starts without its database. No SQL Server can run here, so this is the one run of that package.
 */
class MssqlUnreachableIT {

    @Test
    void anUnreachableServerStopsTheStartupNamingHostAndPort() throws Exception {
        Path jar = Path.of("target/quarkus-app-mssql/quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the SQL Server package (mvn package)").exists();
        int closed = FreePorts.next();
        assertThat(FreePorts.accepting(closed)).as("nothing listens on %d", closed).isFalse();
        AppProcess service = AppProcess.builder("cloud-backfill-mssql", jar)
                .config("quarkus.datasource.jdbc.url",
                        "jdbc:sqlserver://127.0.0.1:" + closed + ";databaseName=backfill;encrypt=false")
                .config("quarkus.datasource.username", "backfill").config("quarkus.datasource.password", "unused")
                .workDir(Files.createTempDirectory("cloud-mssql-unreachable"))
                .log(Path.of("target", "mssql-unreachable-it", "service.log")).start();
        long started = System.nanoTime();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !service.isAlive());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            String log = Files.readString(service.log());
            assertThat(log).contains("Failed to start application").contains("Error starting Liquibase")
                    .contains("The TCP/IP connection to the host 127.0.0.1, port " + closed + " has failed")
                    .contains("Connection refused").doesNotContain("Listening on");
            System.out.printf("the mssql package stopped %d ms after its start%n", took.toMillis());
        } finally {
            service.kill();
        }
    }
}
