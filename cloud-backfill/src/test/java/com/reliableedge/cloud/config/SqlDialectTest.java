package com.reliableedge.cloud.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Each kind's hand-written SQL: H2's and PostgreSQL's exactly as they ran before SQL Server was added (the group
 * commit and ingest tests run them on both databases), H2's also run here on an in-memory H2; SQL Server's checked
 * for the form SQL Server needs, since no server can run here.
 */
class SqlDialectTest {

    @Test
    void theKindComesFromTheDatasourceKindAndAnUnbuiltKindIsRefusedNamingTheKey() {
        assertThat(SqlDialect.of("h2")).isEqualTo(SqlDialect.H2);
        assertThat(SqlDialect.of("postgresql")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(SqlDialect.of("pgsql")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(SqlDialect.of("mssql")).isEqualTo(SqlDialect.MSSQL);
        assertThatThrownBy(() -> SqlDialect.of("oracle")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quarkus.datasource.db-kind 'oracle' is not supported; use 'h2', 'postgresql' or 'mssql'");
    }

    @Test
    void h2AndPostgresqlLockStreamsForUpdateAsBefore() {
        for (SqlDialect d : List.of(SqlDialect.H2, SqlDialect.POSTGRESQL)) {
            assertThat(d.lockStreams("?1, ?2"))
                    .isEqualTo("SELECT * FROM stream WHERE id IN (?1, ?2) ORDER BY id FOR UPDATE");
        }
    }

    @Test
    void sqlServerLocksStreamsWithTheTableHintHibernateUsesForPessimisticWrite() {
        String lock = SqlDialect.MSSQL.lockStreams("?1, ?2, ?3");
        assertThat(lock).isEqualTo(
                "SELECT * FROM stream WITH (UPDLOCK, HOLDLOCK, ROWLOCK) WHERE id IN (?1, ?2, ?3) ORDER BY id");
        assertThat(lock).doesNotContain("FOR UPDATE");
    }

    @Test
    void sequenceValuesInOneQueryOnH2AndPostgresqlOnePerStatementOnSqlServer() {
        assertThat(SqlDialect.H2.nextValues("backfill_id_seq"))
                .isEqualTo("SELECT NEXT VALUE FOR backfill_id_seq FROM SYSTEM_RANGE(1, ?)");
        assertThat(SqlDialect.POSTGRESQL.nextValues("backfill_id_seq"))
                .isEqualTo("SELECT nextval('backfill_id_seq') FROM generate_series(1, ?)");
        assertThat(SqlDialect.MSSQL.nextValues("backfill_id_seq")).isNull();
    }

    @Test
    void theDatabaseTimeIsATimestampOnH2AndPostgresqlAndUtcEpochMillisOnSqlServer() {
        assertThat(SqlDialect.H2.currentTime()).isEqualTo("SELECT CURRENT_TIMESTAMP");
        assertThat(SqlDialect.POSTGRESQL.currentTime()).isEqualTo("SELECT CURRENT_TIMESTAMP");
        assertThat(SqlDialect.H2.currentTimeIsEpochMillis()).isFalse();
        assertThat(SqlDialect.POSTGRESQL.currentTimeIsEpochMillis()).isFalse();
        // SQL Server's CURRENT_TIMESTAMP is the server's local time without a zone: UTC, counted on the server.
        assertThat(SqlDialect.MSSQL.currentTime()).contains("SYSUTCDATETIME()").contains("DATEDIFF_BIG(MILLISECOND")
                .doesNotContain("CURRENT_TIMESTAMP").doesNotContain("GETDATE");
        assertThat(SqlDialect.MSSQL.currentTimeIsEpochMillis()).isTrue();
    }

    @Test
    void sqlServerBoundsTheGroupWithinItsParametersPerStatement() {
        // 7 parameters per stream in the update of the stream rows, SQL Server's limit is 2,100 per statement.
        assertThat(SqlDialect.MSSQL.maxGroup()).isEqualTo(290);
        assertThat(7 * SqlDialect.MSSQL.maxGroup()).isLessThan(2_100);
        assertThat(SqlDialect.H2.maxGroup()).isEqualTo(Integer.MAX_VALUE);
        assertThat(SqlDialect.POSTGRESQL.maxGroup()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void onlySqlServerChecksItsCollationAndOnlyACaseSensitiveUtf8OneFits() {
        assertThat(SqlDialect.H2.collationQuery()).isNull();
        assertThat(SqlDialect.POSTGRESQL.collationQuery()).isNull();
        assertThat(SqlDialect.MSSQL.collationQuery()).contains("DATABASEPROPERTYEX(DB_NAME(), 'Collation')");
        assertThat(SqlDialect.collationProblem("Latin1_General_100_BIN2_UTF8")).isEmpty();
        assertThat(SqlDialect.collationProblem("Latin1_General_100_CS_AS_SC_UTF8")).isEmpty();
        assertThat(SqlDialect.collationProblem("SQL_Latin1_General_CP1_CI_AS")).hasValueSatisfying(p -> assertThat(p)
                .contains("SQL_Latin1_General_CP1_CI_AS").contains("case-insensitive").contains("not UTF-8")
                .contains("Latin1_General_100_BIN2_UTF8"));
        assertThat(SqlDialect.collationProblem("Latin1_General_100_CI_AS_SC_UTF8"))
                .hasValueSatisfying(p -> assertThat(p)
                        .contains("case-insensitive").doesNotContain("not UTF-8"));
        assertThat(SqlDialect.collationProblem("Latin1_General_BIN2")).hasValueSatisfying(p -> assertThat(p)
                .contains("not UTF-8").doesNotContain("case-insensitive"));
        assertThat(SqlDialect.collationProblem(null)).hasValue("the database's collation could not be read");
    }

    @Test
    void h2FormsRunOnH2() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sql-dialect-test");
                Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE backfill_id_seq START WITH 1 INCREMENT BY 50");
            s.execute("CREATE TABLE stream (id BIGINT PRIMARY KEY, batch_id VARCHAR(128))");
            s.execute("INSERT INTO stream VALUES (3, 'c'), (1, 'a'), (2, 'b')");
            c.setAutoCommit(false);
            // JDBC numbers its parameters by position; the ORM turns ?1 into ? the same way.
            try (PreparedStatement lock = c.prepareStatement(SqlDialect.H2.lockStreams("?, ?"))) {
                lock.setLong(1, 3);
                lock.setLong(2, 1);
                assertThat(ids(lock.executeQuery())).containsExactly(1L, 3L);
            }
            try (PreparedStatement next = c.prepareStatement(SqlDialect.H2.nextValues("backfill_id_seq"))) {
                next.setInt(1, 3);
                assertThat(ids(next.executeQuery())).containsExactly(1L, 51L, 101L);
            }
            try (ResultSet rs = s.executeQuery(SqlDialect.H2.currentTime())) {
                rs.next();
                assertThat(Duration.between(rs.getTimestamp(1).toInstant(), Instant.now()).abs())
                        .isLessThan(Duration.ofMinutes(1));
            }
            c.rollback();
        }
    }

    private static List<Long> ids(ResultSet rs) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
