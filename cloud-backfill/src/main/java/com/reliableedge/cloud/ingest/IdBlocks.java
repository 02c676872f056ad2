package com.reliableedge.cloud.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

import io.quarkus.datasource.common.runtime.DatabaseKind;

/**
 * Row ids taken from {@code backfill_id_seq} the way Hibernate's pooled-lo optimizer (set in application.properties)
 * takes them for the entities ({@code allocationSize = 50} on a sequence that steps by 50): each sequence value
 * {@code v} owns the ids {@code v..v+49}. So ids taken here and by Hibernate never collide, and several blocks come
 * back in one round trip.
 */
final class IdBlocks {

    static final int BLOCK = 50;

    private final Deque<Long> lows;
    private long next;
    private long last = -1;

    private IdBlocks(Deque<Long> lows) {
        this.lows = lows;
    }

    /** Reserves at least {@code count} ids. */
    static IdBlocks reserve(Connection c, String dbKind, int count) throws SQLException {
        int blocks = (count + BLOCK - 1) / BLOCK;
        String sql = DatabaseKind.isPostgreSQL(dbKind)
                ? "SELECT nextval('backfill_id_seq') FROM generate_series(1, ?)"
                : "SELECT NEXT VALUE FOR backfill_id_seq FROM SYSTEM_RANGE(1, ?)";
        Deque<Long> lows = new ArrayDeque<>(blocks);
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setInt(1, blocks);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    lows.add(rs.getLong(1));
                }
            }
        }
        if (lows.size() * (long) BLOCK < count) {
            throw new IllegalStateException("the id sequence gave " + lows.size() + " blocks for " + count + " ids");
        }
        return new IdBlocks(lows);
    }

    long next() {
        if (next > last) {
            Long low = lows.poll();
            if (low == null) {
                throw new IllegalStateException("more ids taken than reserved");
            }
            next = low;
            last = low + BLOCK - 1;
        }
        return next++;
    }
}
