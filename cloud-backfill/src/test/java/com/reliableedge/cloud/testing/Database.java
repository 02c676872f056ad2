package com.reliableedge.cloud.testing;

import java.util.List;

import jakarta.persistence.EntityManager;

import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Test helpers on the service's database: clearing it between tests, counting rows. */
public final class Database {

    public static final List<String> TABLES = List.of("stream_event", "recorded_batch", "coverage_interval", "gap",
            "lost_window", "backfill_request", "operator_backfill", "retry_message", "stream", "device");

    private Database() {
    }

    public static void clear() {
        QuarkusTransaction.requiringNew().run(() -> {
            EntityManager em = em();
            for (String table : TABLES) {
                em.createNativeQuery("DELETE FROM " + table).executeUpdate();
            }
        });
    }

    public static long count(String table) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em()
                .createNativeQuery("SELECT COUNT(*) FROM " + table).getSingleResult()).longValue());
    }

    public static long count(String table, String where) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em()
                .createNativeQuery("SELECT COUNT(*) FROM " + table + " WHERE " + where).getSingleResult())
                .longValue());
    }

    public static EntityManager em() {
        return Arc.container().instance(EntityManager.class).get();
    }
}
