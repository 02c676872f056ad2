package com.reliableedge.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.persistence.LockModeType;

import org.hibernate.Session;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.config.SqlDialect;
import com.reliableedge.cloud.testing.OfflineSqlServer;

/**
 * What Hibernate's {@code SQLServerDialect} sends for the service's row locks and ids, rendered without a server
 * ({@link OfflineSqlServer}): the same ORM operations that {@link StreamStore} runs through Panache
 * ({@code findById(id, PESSIMISTIC_WRITE)}, {@code find(...).withLock(PESSIMISTIC_WRITE).firstResultOptional()}), the
 * group commit's lock query through the ORM's native query, and {@link IdBlocks} on SQL Server.
 */
class SqlServerOrmSqlTest {

    private static OfflineSqlServer server;

    @BeforeAll
    static void start() {
        server = new OfflineSqlServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clear() {
        server.clear();
        server.answer(sql -> List.of());
        server.columns(sql -> List.of());
    }

    private static String only(String fragment) {
        List<String> matching = server.statements().stream().filter(s -> s.contains(fragment)).toList();
        assertThat(matching).as("statements with %s in %s", fragment, server.statements()).hasSize(1);
        return matching.get(0);
    }

    @Test
    void aStreamLockedByIdIsReadWithUpdateAndHoldLocks() {
        inTransaction(session -> session.find(StreamEntity.class, 7L, LockModeType.PESSIMISTIC_WRITE));
        assertThat(only("from stream")).containsPattern("from stream \\w+ with \\(updlock,holdlock,rowlock\\) where")
                .doesNotContainIgnoringCase("for update");
    }

    @Test
    void aStreamLockedByItsKeyIsReadWithTopAndTheSameHint() {
        inTransaction(session -> session.createSelectionQuery("from StreamEntity where deviceId = ?1 and batchId = ?2",
                StreamEntity.class).setParameter(1, "d").setParameter(2, "b")
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).setMaxResults(1).getResultList());
        assertThat(only("from stream")).startsWith("select top (?) ")
                .containsPattern("from stream \\w+ with \\(updlock,holdlock,rowlock\\) where")
                .doesNotContainIgnoringCase("for update").doesNotContainIgnoringCase("limit");
    }

    @Test
    void theDeviceRowIsLockedTheSameWay() {
        inTransaction(session -> session.find(DeviceEntity.class, "dev-1", LockModeType.PESSIMISTIC_WRITE));
        assertThat(only("from device")).containsPattern("from device \\w+ with \\(updlock,holdlock,rowlock\\) where");
    }

    @Test
    void theGroupLockGoesToTheServerAsSqlServerSqlWithPositionalParameters() {
        // SELECT * of the stream table: the result has the entity's columns.
        List<String> columns = new ArrayList<>();
        server.sessionFactory().unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
                .getEntityDescriptor(StreamEntity.class)
                .forEachSelectable((i, selectable) -> columns.add(selectable.getSelectionExpression()));
        if (!columns.contains("id")) {
            columns.add(0, "id");
        }
        server.columns(sql -> sql.startsWith("SELECT * FROM stream") ? columns : List.of());
        inTransaction(session -> {
            var lock = session.createNativeQuery(SqlDialect.MSSQL.lockStreams(StreamStore.placeholders(1, 3)),
                    StreamEntity.class);
            for (int i = 1; i <= 3; i++) {
                lock.setParameter(i, (long) i);
            }
            return lock.getResultList();
        });
        assertThat(only("FROM stream"))
                .isEqualTo("SELECT * FROM stream WITH (UPDLOCK, HOLDLOCK, ROWLOCK) WHERE id IN (?, ?, ?) ORDER BY id");
    }

    @Test
    void idBlocksTakeOneSequenceValuePerBlockWithTheDialectsStatementAndHibernateAgrees() {
        SessionFactoryImplementor factory = server.sessionFactory().unwrap(SessionFactoryImplementor.class);
        IdBlocks.Layout layout = IdBlocks.Layout.of(factory, RecordedBatchEntity.class, SqlDialect.MSSQL);
        assertThat(layout).isEqualTo(new IdBlocks.Layout("backfill_id_seq", 50, null,
                "select next value for backfill_id_seq"));
        assertThat(IdBlocks.Layout.of(factory, EventEntity.class, SqlDialect.MSSQL)).isEqualTo(layout);

        AtomicLong sequence = new AtomicLong(1);
        server.answer(sql -> sql.equals(layout.nextValue())
                ? List.<Object[]>of(new Object[]{sequence.getAndAdd(50)})
                : List.of());
        List<Long> ids = new ArrayList<>();
        inTransaction(session -> {
            session.doWork(c -> {
                IdBlocks block = IdBlocks.reserve(c, layout, 120);
                for (int i = 0; i < 120; i++) {
                    ids.add(block.next());
                }
            });
            return null;
        });
        assertThat(server.statements()).containsExactly(layout.nextValue(), layout.nextValue(), layout.nextValue());
        assertThat(ids).first().isEqualTo(1L);
        assertThat(ids).last().isEqualTo(120L);
        assertThat(ids).doesNotHaveDuplicates().isSorted();

        // Hibernate's own generator takes its values with the same statement (pooled-lo: one per 50 ids).
        server.clear();
        inTransaction(session -> {
            GapEntity gap = new GapEntity();
            gap.streamId = 1L;
            gap.startIndex = 0;
            gap.endIndex = 1;
            gap.state = GapEntity.State.OPEN;
            gap.observedAt = java.time.Instant.EPOCH;
            session.persist(gap);
            return gap.id;
        });
        assertThat(server.statements()).startsWith(layout.nextValue());
    }

    private static <T> T inTransaction(java.util.function.Function<Session, T> work) {
        try (Session session = server.sessionFactory().openSession()) {
            session.beginTransaction();
            T result = work.apply(session);
            session.getTransaction().commit();
            return result;
        }
    }
}
