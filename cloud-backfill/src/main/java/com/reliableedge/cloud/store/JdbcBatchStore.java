package com.reliableedge.cloud.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;

import com.reliableedge.cloud.config.SqlDialect;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.MessageClass;

import io.quarkus.runtime.Startup;

/**
 * Writes recorded batches and their events ({@code recorded_batch}, {@code stream_event}) with multi-row JDBC
 * {@code INSERT}s: the only writer of new rows of these two tables, on the fast path and the general path alike. The
 * ORM reads them (as {@link RecordedBatchEntity}, {@link EventEntity}) and the retention purge deletes them; every
 * other table ingest touches (streams, coverage, gaps, lost windows) is written through the ORM. Runs on the
 * connection of the caller's transaction, so it commits or rolls back with the ORM's changes.
 */
@ApplicationScoped
@Startup
public class JdbcBatchStore {

    /** Rows per multi-row INSERT: 600 parameters for events, well inside every driver's limits. */
    private static final int ROWS_PER_INSERT = 100;

    /** A column written here: its name, the Java type of the value bound to it, and that value in a row. */
    record Column<R>(String name, Class<?> type, Function<R, Object> value) {
    }

    /** A table's columns, the statement's and the values' order alike. */
    record Table<R>(String name, List<Column<R>> columns) {

        String insert(int rows) {
            String row = columns.stream().map(c -> "?").collect(Collectors.joining(", ", "(", ")"));
            return "INSERT INTO " + name + " (" + columns.stream().map(Column::name).collect(Collectors.joining(
                    ", ")) + ") VALUES " + String.join(", ", Collections.nCopies(rows, row));
        }
    }

    /**
     * A batch to record, with the events it keeps (those in the parts of its window it is the first to cover; all of
     * them for a late batch).
     */
    public record NewBatch(long streamId, String messageId, MessageClass kind, long startIndex, long endIndex,
            int eventCount,
            String requestId, Long seq, Instant recordedAt, List<BatchBody.Event> events, boolean late) {
    }

    record BatchRow(long id, NewBatch batch) {
    }

    record EventRow(long id, long batchRowId, NewBatch batch, BatchBody.Event event) {
    }

    static final Table<BatchRow> BATCHES = new Table<>("recorded_batch", List.of(
            new Column<>("id", Long.class, BatchRow::id),
            new Column<>("stream_id", Long.class, r -> r.batch().streamId()),
            new Column<>("message_id", String.class, r -> r.batch().messageId()),
            new Column<>("batch_kind", String.class, r -> r.batch().kind().name()),
            new Column<>("start_index", Long.class, r -> r.batch().startIndex()),
            new Column<>("end_index", Long.class, r -> r.batch().endIndex()),
            new Column<>("event_count", Integer.class, r -> r.batch().eventCount()),
            new Column<>("stored_events", Integer.class, r -> r.batch().events().size()),
            new Column<>("request_id", String.class, r -> r.batch().requestId()),
            new Column<>("seq", Long.class, r -> r.batch().seq()),
            new Column<>("recorded_at", Long.class, r -> r.batch().recordedAt().toEpochMilli())));

    static final Table<EventRow> EVENTS = new Table<>("stream_event", List.of(
            new Column<>("id", Long.class, EventRow::id),
            new Column<>("stream_id", Long.class, r -> r.batch().streamId()),
            new Column<>("batch_row_id", Long.class, EventRow::batchRowId),
            new Column<>("idx", Long.class, r -> r.event().index()),
            new Column<>("late", Boolean.class, r -> r.batch().late()),
            new Column<>("payload", String.class, r -> r.event().json())));

    private final EntityManager em;
    private final IdBlocks.Layout batchIds;
    private final IdBlocks.Layout eventIds;

    public JdbcBatchStore(EntityManager em, SessionFactory sessionFactory, SqlDialect sql) {
        this.em = em;
        SessionFactoryImplementor factory = sessionFactory.unwrap(SessionFactoryImplementor.class);
        this.batchIds = IdBlocks.Layout.of(factory, RecordedBatchEntity.class, sql);
        this.eventIds = IdBlocks.Layout.of(factory, EventEntity.class, sql);
        if (!batchIds.equals(eventIds)) {
            throw new IllegalStateException("recorded batches take ids as " + batchIds + ", events as " + eventIds
                    + "; they are written together and must share one sequence");
        }
    }

    /** Records the batches and their events, in the caller's transaction. */
    public void write(List<NewBatch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        em.unwrap(Session.class).doWork(c -> insert(c, batches));
    }

    private void insert(Connection c, List<NewBatch> batches) throws SQLException {
        int events = 0;
        for (NewBatch b : batches) {
            events += b.events().size();
        }
        IdBlocks ids = IdBlocks.reserve(c, batchIds, batches.size() + events);
        List<BatchRow> batchRows = new ArrayList<>(batches.size());
        List<EventRow> eventRows = new ArrayList<>(events);
        for (NewBatch b : batches) {
            long id = ids.next();
            batchRows.add(new BatchRow(id, b));
            for (BatchBody.Event e : b.events()) {
                eventRows.add(new EventRow(ids.next(), id, b, e));
            }
        }
        insertRows(c, BATCHES, batchRows);
        insertRows(c, EVENTS, eventRows);
    }

    /**
     * Inserts rows with multi-row {@code VALUES} statements of at most {@link #ROWS_PER_INSERT} rows: one statement
     * and one round trip per chunk instead of one per row.
     */
    private static <R> void insertRows(Connection c, Table<R> table, List<R> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<R> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            try (PreparedStatement insert = c.prepareStatement(table.insert(chunk.size()))) {
                int p = 1;
                for (R row : chunk) {
                    for (Column<R> column : table.columns()) {
                        bind(insert, p++, column.type(), column.value().apply(row));
                    }
                }
                insert.executeUpdate();
            }
        }
    }

    /** Typed setters: the drivers bind them without inspecting the value. */
    private static void bind(PreparedStatement insert, int p, Class<?> type, Object value) throws SQLException {
        if (type == Long.class) {
            if (value == null) {
                insert.setNull(p, Types.BIGINT);
            } else {
                insert.setLong(p, (Long) value);
            }
        } else if (type == Integer.class) {
            insert.setInt(p, (Integer) value);
        } else if (type == Boolean.class) {
            insert.setBoolean(p, (Boolean) value);
        } else if (value == null) {
            insert.setNull(p, Types.VARCHAR);
        } else {
            insert.setString(p, (String) value);
        }
    }
}
