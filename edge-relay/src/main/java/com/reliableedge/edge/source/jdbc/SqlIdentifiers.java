package com.reliableedge.edge.source.jdbc;

import java.util.regex.Pattern;

/**
 * Table and column names as configured: checked against a plain identifier form and always double-quoted (SQL's
 * standard quoting, which SQLite and PostgreSQL share), so that no configured text reaches SQL unchecked.
 */
final class SqlIdentifiers {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,127}");

    private SqlIdentifiers() {
    }

    /** Whether {@code name} is one plain identifier. */
    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether {@code table} is {@code name} or {@code schema.name}. */
    static boolean isTable(String table) {
        if (table == null) {
            return false;
        }
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2) {
            return false;
        }
        for (String p : parts) {
            if (!isName(p)) {
                return false;
            }
        }
        return true;
    }

    /** The quoted form of a name or label the database gave (a quote inside is doubled). */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** The quoted form of a checked table name. */
    static String quoteTable(String table) {
        StringBuilder sb = new StringBuilder();
        for (String p : table.split("\\.")) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(quote(p));
        }
        return sb.toString();
    }
}
