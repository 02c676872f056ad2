package com.reliableedge.cloud.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.quarkus.datasource.common.runtime.DatabaseKind;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The choice of the dialect by kind, and the group lock's form for any number of streams. */
class SqlDialectProperties {

    private static final Pattern PARAMETER = Pattern.compile("\\?(\\d+)");

    @Property
    void aKindPicksTheDialectQuarkusNamesItOrIsRefusedNamingKeyAndValue(@ForAll("kinds") String kind) {
        SqlDialect expected = DatabaseKind.isH2(kind)
                ? SqlDialect.H2
                : DatabaseKind.isPostgreSQL(kind)
                        ? SqlDialect.POSTGRESQL
                        : DatabaseKind.isMsSQL(kind) ? SqlDialect.MSSQL : null;
        if (expected != null) {
            assertThat(SqlDialect.of(kind)).isEqualTo(expected);
        } else {
            assertThatThrownBy(() -> SqlDialect.of(kind)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("quarkus.datasource.db-kind '" + kind + "' is not supported");
        }
    }

    @Provide
    Arbitrary<String> kinds() {
        return Arbitraries.oneOf(Arbitraries.of("h2", "postgresql", "pgsql", "pg", "mssql", "oracle", "mysql",
                "mariadb", "db2", "derby", "other", ""), Arbitraries.strings().alpha().ofMaxLength(12));
    }

    @Property
    void aCollationFitsExactlyWhenCaseSensitiveAndUtf8(@ForAll("collations") String collation) {
        boolean caseInsensitive = collation.contains("_CI");
        boolean utf8 = collation.endsWith("_UTF8");
        assertThat(SqlDialect.collationProblem(collation).isEmpty()).as(collation)
                .isEqualTo(!caseInsensitive && utf8);
        SqlDialect.collationProblem(collation).ifPresent(p -> assertThat(p).contains(collation)
                .contains(caseInsensitive ? "case-insensitive" : "not UTF-8"));
    }

    @Provide
    Arbitrary<String> collations() {
        return net.jqwik.api.Combinators.combine(Arbitraries.of("Latin1_General_100", "SQL_Latin1_General_CP1",
                "Japanese_XJIS_140", "Finnish_Swedish_100"),
                Arbitraries.of("_CI_AS", "_CS_AS", "_BIN2", "_BIN",
                        "_CI_AI_KS", "_CS_AS_KS_WS"),
                Arbitraries.of("", "_SC", "_SC_UTF8", "_UTF8"))
                .as((base, sensitivity, suffix) -> base + sensitivity + suffix);
    }

    @Property
    void theGroupLockBindsEveryIdOnceLocksAndReadsInIdOrder(@ForAll @IntRange(min = 1, max = 400) int streams) {
        String placeholders = IntStream.rangeClosed(1, streams).mapToObj(i -> "?" + i)
                .collect(Collectors.joining(", "));
        for (SqlDialect d : SqlDialect.values()) {
            String sql = d.lockStreams(placeholders);
            List<Integer> parameters = new ArrayList<>();
            Matcher m = PARAMETER.matcher(sql);
            while (m.find()) {
                parameters.add(Integer.parseInt(m.group(1)));
            }
            assertThat(parameters).as(d.name())
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, streams).boxed().toList());
            assertThat(sql).as(d.name()).startsWith("SELECT * FROM stream ").contains(" ORDER BY id");
            if (d == SqlDialect.MSSQL) {
                assertThat(sql).contains("FROM stream WITH (UPDLOCK, HOLDLOCK, ROWLOCK) WHERE")
                        .doesNotContain("FOR UPDATE").endsWith("ORDER BY id");
            } else {
                assertThat(sql).endsWith("ORDER BY id FOR UPDATE").doesNotContain("WITH (");
            }
        }
    }
}
