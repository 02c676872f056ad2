package com.reliableedge.cloud.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.quarkus.datasource.common.runtime.DatabaseKind;

/**
 * The hand-written SQL whose portable form does not run on every database the service is built for, in one place,
 * chosen by {@code quarkus.datasource.db-kind}. Everything else the service sends is portable SQL (the multi-row
 * {@code INSERT}s, the {@code CASE} updates, the message-id lookup, the write probe) or HQL that Hibernate's dialect
 * renders (row locks, {@code SKIP LOCKED}, paging). The H2 and PostgreSQL forms are the ones that ran before SQL
 * Server was added; the SQL Server forms were never run against a server (none is available to the build).
 */
public enum SqlDialect {
    H2, POSTGRESQL, MSSQL;

    /**
     * The dialect of a {@code quarkus.datasource.db-kind}.
     *
     * @throws IllegalArgumentException for a kind this service is not built for, naming the key and the value
     */
    public static SqlDialect of(String dbKind) {
        if (DatabaseKind.isH2(dbKind)) {
            return H2;
        }
        if (DatabaseKind.isPostgreSQL(dbKind)) {
            return POSTGRESQL;
        }
        if (DatabaseKind.isMsSQL(dbKind)) {
            return MSSQL;
        }
        throw new IllegalArgumentException("quarkus.datasource.db-kind '" + dbKind
                + "' is not supported; use 'h2', 'postgresql' or 'mssql'");
    }

    /**
     * Reads the {@code stream} rows of the given ids, in id order, each locked until the end of the transaction
     * (group commit). SQL Server has no {@code FOR UPDATE} on a plain {@code SELECT}: it takes the same table hint
     * that Hibernate's {@code SQLServerDialect} renders for {@code PESSIMISTIC_WRITE}, so this lock and the ORM's
     * single-row lock of a stream are one kind of lock.
     *
     * @param idPlaceholders the id parameters, e.g. {@code ?1, ?2}
     */
    public String lockStreams(String idPlaceholders) {
        return switch (this) {
            case H2, POSTGRESQL -> "SELECT * FROM stream WHERE id IN (" + idPlaceholders + ") ORDER BY id FOR UPDATE";
            case MSSQL -> "SELECT * FROM stream WITH (UPDLOCK, HOLDLOCK, ROWLOCK) WHERE id IN (" + idPlaceholders
                    + ") ORDER BY id";
        };
    }

    /**
     * A query of {@code ?} (parameter 1) values of {@code sequence}, one per row, or null where none is known to
     * work: then the caller takes one value per statement with the ORM dialect's own
     * {@code getSequenceNextValString} (one round trip per block of ids). SQL Server restricts {@code NEXT VALUE FOR}
     * (not in a statement with {@code TOP}, nor in a subquery or derived table), which leaves no row source of a
     * bound size that could be tried here; {@code sp_sequence_get_range} takes a whole range in one call, but was not
     * tried either.
     */
    public String nextValues(String sequence) {
        return switch (this) {
            case H2 -> "SELECT NEXT VALUE FOR " + sequence + " FROM SYSTEM_RANGE(1, ?)";
            case POSTGRESQL -> "SELECT nextval('" + sequence + "') FROM generate_series(1, ?)";
            case MSSQL -> null;
        };
    }

    /**
     * A query of one row and one column: the database's current time, a {@code TIMESTAMP WITH TIME ZONE} (H2,
     * PostgreSQL) or, on SQL Server, epoch milliseconds as a {@code BIGINT}: its {@code CURRENT_TIMESTAMP} is the
     * server's local time without a zone (and of 3 ms precision), so the UTC time is counted out on the server.
     */
    public String currentTime() {
        return switch (this) {
            case H2, POSTGRESQL -> "SELECT CURRENT_TIMESTAMP";
            case MSSQL -> "SELECT DATEDIFF_BIG(MILLISECOND, CAST('1970-01-01' AS DATETIME2), SYSUTCDATETIME())";
        };
    }

    /**
     * The largest group commit ({@code backfill.ingest.max-group}) whose statements stay within the database's
     * parameters per statement: SQL Server takes 2,100, and a group's update of its stream rows binds 7 per stream
     * ({@code StreamStore.writeLiveEnds}). No bound is set for H2 and PostgreSQL, as before.
     */
    public int maxGroup() {
        return this == MSSQL ? 290 : Integer.MAX_VALUE;
    }

    /** A query of the database's default collation (one row, one column), or null where it needs no check. */
    public String collationQuery() {
        return this == MSSQL ? "SELECT CAST(DATABASEPROPERTYEX(DB_NAME(), 'Collation') AS NVARCHAR(128))" : null;
    }

    /**
     * What a SQL Server collation does to this service's data, or empty when nothing: the schema uses
     * {@code varchar}, which keeps characters beyond the collation's code page only with a UTF-8 collation, and
     * ids ({@code deviceId}, {@code batchId}) are case-sensitive, which a {@code _CI} collation is not.
     */
    public static Optional<String> collationProblem(String collation) {
        if (collation == null || collation.isBlank()) {
            return Optional.of("the database's collation could not be read");
        }
        List<String> problems = new ArrayList<>();
        String upper = collation.toUpperCase(Locale.ROOT);
        if (upper.contains("_CI")) {
            problems.add("it is case-insensitive, so ids that differ only in case (Line-1, line-1) are one");
        }
        if (!upper.contains("UTF8")) {
            problems.add("it is not UTF-8, so characters of events outside its code page are not kept");
        }
        return problems.isEmpty()
                ? Optional.empty()
                : Optional.of("the database's collation " + collation + " does not fit: " + String.join("; ",
                        problems) + " (create the database with a case-sensitive UTF-8 collation such as"
                        + " Latin1_General_100_BIN2_UTF8)");
    }

    /** Whether {@link #currentTime()} reads epoch milliseconds (else a timestamp). */
    public boolean currentTimeIsEpochMillis() {
        return this == MSSQL;
    }
}
