package com.reliableedge.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.Database;
import com.reliableedge.cloud.testing.OfflineSqlServer;

/**
 * The SQL that Liquibase generates from the changelog for SQL Server, with no server: its command line's offline
 * {@code update-sql} ({@code offline:mssql}), run in a JVM of its own (it sets up logging of its own) as part of the
 * build. The script is kept in {@code target/liquibase-mssql/update.sql}. This checks what the script says, not what
 * a server makes of it.
 */
class MssqlChangelogTest {

    private static final Path OUT = Path.of("target", "liquibase-mssql");
    private static final Pattern CREATE_TABLE = Pattern.compile("CREATE TABLE (\\w+) \\((.*)\\);");
    private static String sql;
    /** Table name to its columns (name to the SQL Server type and NOT NULL as written), from CREATE and ADD. */
    private static final Map<String, Map<String, String>> TABLES = new LinkedHashMap<>();
    private static final Map<String, String> PRIMARY_KEYS = new LinkedHashMap<>();

    @BeforeAll
    static void generate() throws Exception {
        Files.createDirectories(OUT);
        Files.deleteIfExists(OUT.resolve("databasechangelog.csv"));
        Path script = OUT.resolve("update.sql");
        Files.deleteIfExists(script);
        Path log = OUT.resolve("liquibase.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "liquibase.integration.commandline.LiquibaseCommandLine",
                "--url=offline:mssql?changeLogFile=" + OUT.resolve("databasechangelog.csv"),
                "--changelog-file=db/changelog.xml", "--search-path=src/main/resources",
                "--output-file=" + script, "--show-banner=false", "update-sql")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("Liquibase finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        sql = Files.readString(script);
        for (String line : sql.lines().toList()) {
            Matcher create = CREATE_TABLE.matcher(line);
            if (create.matches()) {
                Map<String, String> columns = new LinkedHashMap<>();
                for (String part : create.group(2).split(", (?![^()]*\\))")) {
                    if (part.startsWith("CONSTRAINT ")) {
                        PRIMARY_KEYS.put(create.group(1), part);
                    } else {
                        columns.put(part.substring(0, part.indexOf(' ')), part.substring(part.indexOf(' ') + 1));
                    }
                }
                TABLES.put(create.group(1), columns);
            }
            Matcher add = Pattern.compile("ALTER TABLE (\\w+) ADD (\\w+) (.*);").matcher(line);
            if (add.matches() && !add.group(2).equals("CONSTRAINT")) {
                TABLES.get(add.group(1)).put(add.group(2), add.group(3));
            }
        }
    }

    @Test
    void everyTableIsCreatedWithItsPrimaryKey() {
        assertThat(TABLES.keySet()).containsExactlyInAnyOrderElementsOf(Database.TABLES);
        assertThat(PRIMARY_KEYS).containsExactlyInAnyOrderEntriesOf(Map.of(
                "device", "CONSTRAINT pk_device PRIMARY KEY (device_id)",
                "stream", "CONSTRAINT pk_stream PRIMARY KEY (id)",
                "recorded_batch", "CONSTRAINT pk_recorded_batch PRIMARY KEY (id)",
                "stream_event", "CONSTRAINT pk_stream_event PRIMARY KEY (id)",
                "coverage_interval", "CONSTRAINT pk_coverage_interval PRIMARY KEY (id)",
                "gap", "CONSTRAINT pk_gap PRIMARY KEY (id)",
                "lost_window", "CONSTRAINT pk_lost_window PRIMARY KEY (id)",
                "backfill_request", "CONSTRAINT pk_backfill_request PRIMARY KEY (request_id)",
                "operator_backfill", "CONSTRAINT pk_operator_backfill PRIMARY KEY (id)",
                "retry_message", "CONSTRAINT pk_retry_message PRIMARY KEY (id)"));
        assertThat(sql).contains("CREATE SEQUENCE backfill_id_seq START WITH 1 INCREMENT BY 50;");
    }

    @Test
    void columnsHaveTheTypesSqlServerSpellsForThePortableOnes() {
        // BIGINT and INT as such, BOOLEAN as bit, CLOB as varchar(MAX), VARCHAR(n) as varchar(n).
        assertThat(TABLES.get("device")).containsExactlyEntriesOf(ordered("device_id", "varchar(128) NOT NULL",
                "shared_key", "varchar(128) NOT NULL", "method_url", "varchar(2048) NOT NULL", "created_at",
                "bigint NOT NULL"));
        assertThat(TABLES.get("stream")).containsExactlyEntriesOf(ordered("id", "bigint NOT NULL", "device_id",
                "varchar(128) NOT NULL", "batch_id", "varchar(128) NOT NULL", "index_kind", "varchar(16) NOT NULL",
                "origin", "bigint", "last_live_end", "bigint", "backlog_from", "bigint", "last_live_at",
                "bigint NOT NULL", "created_at", "bigint NOT NULL", "open_gaps", "int NOT NULL", "first_start",
                "bigint", "last_end", "bigint", "scan_failures",
                "int CONSTRAINT DF_stream_scan_failures DEFAULT 0 NOT NULL", "scan_parked_until", "bigint",
                "scan_park_reason", "varchar(512)"));
        assertThat(TABLES.get("stream_event")).containsExactlyEntriesOf(ordered("id", "bigint NOT NULL",
                "stream_id", "bigint NOT NULL", "batch_row_id", "bigint NOT NULL", "idx", "bigint NOT NULL", "late",
                "bit NOT NULL", "payload", "varchar(MAX) NOT NULL"));
        assertThat(TABLES.get("recorded_batch")).containsEntry("message_id", "varchar(32) NOT NULL")
                .containsEntry("event_count", "int NOT NULL").containsEntry("request_id", "varchar(128)")
                .containsEntry("recorded_at", "bigint NOT NULL").hasSize(11);
        assertThat(TABLES.get("backfill_request")).containsEntry("operator_request", "bit NOT NULL")
                .containsEntry("reported", "varchar(4000)").containsEntry("reason", "varchar(1024)").hasSize(19);
        assertThat(TABLES.get("retry_message")).containsEntry("body", "varchar(4000) NOT NULL")
                .containsEntry("visible_at", "bigint NOT NULL").containsEntry("dequeue_count", "int NOT NULL")
                .hasSize(7);
        // Nothing of another database's spelling and no type SQL Server lacks.
        String statements = String.join("\n", sql.lines().filter(l -> !l.startsWith("--")).toList()).toLowerCase();
        assertThat(statements).doesNotContain("boolean").doesNotContain("clob").doesNotContain("text")
                .doesNotContain("timestamp").doesNotContain("serial").doesNotContain("identity");
        assertThat(sql).contains("ALTER TABLE device ALTER COLUMN method_url varchar(2048) NULL;");
    }

    @Test
    void uniqueConstraintsAndIndexesAreCreated() {
        assertThat(sql).contains("ALTER TABLE stream ADD CONSTRAINT uq_stream_key UNIQUE (device_id, batch_id);",
                "ALTER TABLE recorded_batch ADD CONSTRAINT uq_recorded_batch_message UNIQUE (message_id);",
                "CREATE NONCLUSTERED INDEX ix_recorded_batch_stream ON recorded_batch(stream_id, start_index);",
                "CREATE NONCLUSTERED INDEX ix_stream_event_order ON stream_event(stream_id, idx, id);",
                "CREATE NONCLUSTERED INDEX ix_coverage_stream ON coverage_interval(stream_id, start_index);",
                "CREATE NONCLUSTERED INDEX ix_gap_state_observed ON gap(state, observed_at);",
                "CREATE NONCLUSTERED INDEX ix_gap_stream_state ON gap(stream_id, state);",
                "CREATE NONCLUSTERED INDEX ix_lost_window_stream ON lost_window(stream_id);",
                "CREATE NONCLUSTERED INDEX ix_request_state_next ON backfill_request(state, next_attempt_at);",
                "CREATE NONCLUSTERED INDEX ix_request_state_expires ON backfill_request(state, expires_at);",
                "CREATE NONCLUSTERED INDEX ix_request_stream_state ON backfill_request(stream_id, state);",
                "CREATE NONCLUSTERED INDEX ix_retry_message_visible ON retry_message(queue_name, visible_at);",
                "CREATE NONCLUSTERED INDEX ix_operator_backfill_stream ON operator_backfill(stream_id);",
                "CREATE NONCLUSTERED INDEX ix_request_parent ON backfill_request(parent_request_id);");
    }

    @Test
    void everyColumnTheOrmMapsOnSqlServerIsCreated() {
        try (OfflineSqlServer server = new OfflineSqlServer()) {
            SessionFactoryImplementor factory = server.sessionFactory().unwrap(SessionFactoryImplementor.class);
            Set<String> mappedTables = new TreeSet<>();
            factory.getMappingMetamodel().forEachEntityDescriptor(persister -> {
                String table = persister.getIdentifierTableName();
                mappedTables.add(table);
                assertThat(TABLES.get(table).keySet()).as(table).containsAll(mappedColumns(persister));
            });
            assertThat(mappedTables).containsExactlyInAnyOrderElementsOf(Database.TABLES);
        }
    }

    private static Set<String> mappedColumns(EntityPersister persister) {
        Set<String> columns = new HashSet<>();
        persister.forEachSelectable((i, selectable) -> columns.add(selectable.getSelectionExpression()));
        return columns;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> list = Arrays.asList(pairs);
        for (int i = 0; i < list.size(); i += 2) {
            m.put(list.get(i), list.get(i + 1));
        }
        return m;
    }
}
