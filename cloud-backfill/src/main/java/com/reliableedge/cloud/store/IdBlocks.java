package com.reliableedge.cloud.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.generator.Generator;
import org.hibernate.id.enhanced.Optimizer;
import org.hibernate.id.enhanced.PooledLoOptimizer;
import org.hibernate.id.enhanced.SequenceStyleGenerator;

import com.reliableedge.cloud.config.SqlDialect;

/**
 * Row ids for rows written with JDBC, taken from the sequence of the entity's own id generator the way that
 * generator's pooled-lo optimizer takes them: each sequence value {@code v} owns the ids {@code v..v+size-1}. The
 * sequence and the block size are read from Hibernate's mapping at startup ({@link Layout#of}), so ids taken here
 * and by Hibernate never collide, and several blocks come back in one round trip.
 */
final class IdBlocks {

    /**
     * Where an entity's ids come from.
     *
     * @param nextValues a query of {@code ?} sequence values, one per row, or null where the database has none:
     *        then one {@code nextValue} query per block
     */
    record Layout(String sequence, int blockSize, String nextValues, String nextValue) {

        /**
         * The layout of {@code entity}'s id generator; {@code sql} gives the query of several values, Hibernate's
        * dialect the query of one.
         *
         * @throws IllegalStateException when the generator is not a sequence with a pooled-lo optimizer (the only
         *         layout this class can follow), naming the setting
         */
        static Layout of(SessionFactoryImplementor sessionFactory, Class<?> entity, SqlDialect sql) {
            Generator generator = sessionFactory.getMappingMetamodel().getEntityDescriptor(entity).getGenerator();
            if (!(generator instanceof SequenceStyleGenerator sequenceGenerator)) {
                throw new IllegalStateException(entity.getSimpleName() + "'s ids come from "
                        + generator.getClass().getSimpleName() + "; rows written with JDBC need a sequence");
            }
            Optimizer optimizer = sequenceGenerator.getOptimizer();
            if (!(optimizer instanceof PooledLoOptimizer)) {
                throw new IllegalStateException(entity.getSimpleName() + "'s id optimizer is "
                        + optimizer.getClass().getSimpleName() + "; rows written with JDBC need pooled-lo"
                        + " (quarkus.hibernate-orm.mapping.id.optimizer.default=pooled-lo)");
            }
            String sequence = sequenceGenerator.getDatabaseStructure().getPhysicalName().render();
            return new Layout(sequence, optimizer.getIncrementSize(), sql.nextValues(sequence),
                    sessionFactory.getJdbcServices().getDialect().getSequenceSupport()
                            .getSequenceNextValString(sequence));
        }
    }

    private final int blockSize;
    private final Deque<Long> lows;
    private long next;
    private long last = -1;

    private IdBlocks(int blockSize, Deque<Long> lows) {
        this.blockSize = blockSize;
        this.lows = lows;
    }

    /** Reserves at least {@code count} ids. */
    static IdBlocks reserve(Connection c, Layout layout, int count) throws SQLException {
        int blocks = (count + layout.blockSize() - 1) / layout.blockSize();
        Deque<Long> lows = new ArrayDeque<>(blocks);
        if (layout.nextValues() != null) {
            try (PreparedStatement select = c.prepareStatement(layout.nextValues())) {
                select.setInt(1, blocks);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        lows.add(rs.getLong(1));
                    }
                }
            }
        } else {
            try (PreparedStatement select = c.prepareStatement(layout.nextValue())) {
                for (int b = 0; b < blocks; b++) {
                    try (ResultSet rs = select.executeQuery()) {
                        rs.next();
                        lows.add(rs.getLong(1));
                    }
                }
            }
        }
        if (lows.size() * (long) layout.blockSize() < count) {
            throw new IllegalStateException("the id sequence gave " + lows.size() + " blocks for " + count + " ids");
        }
        return new IdBlocks(layout.blockSize(), lows);
    }

    long next() {
        if (next > last) {
            Long low = lows.poll();
            if (low == null) {
                throw new IllegalStateException("more ids taken than reserved");
            }
            next = low;
            last = low + blockSize - 1;
        }
        return next++;
    }
}
