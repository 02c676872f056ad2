package com.reliableedge.edge.source.jdbc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * One row as an event's JSON: {@code index} in its wire form, then each value column under its name. Values map by
 * what the driver returns: integers and decimals as JSON numbers, floating point as numbers (NaN and infinities,
 * which JSON cannot write, as strings), booleans, null, timestamps as ISO-8601 UTC strings at full precision
 * (a timestamp without time zone is read as UTC), binary as base64, anything else as its string form.
 */
final class RowJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadLocal<Calendar> UTC = ThreadLocal.withInitial(() -> Calendar.getInstance(TimeZone
            .getTimeZone("UTC")));

    private RowJson() {
    }

    static Calendar utc() {
        return UTC.get();
    }

    /** The JSON of the current row; {@code columns} are 1-based positions, {@code names} their field names. */
    static byte[] write(String indexWire, ResultSet rs, int[] columns, List<String> names) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 16 * columns.length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("index", indexWire);
            for (int i = 0; i < columns.length; i++) {
                g.writeFieldName(names.get(i));
                value(g, rs, columns[i]);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void value(JsonGenerator g, ResultSet rs, int column) throws SQLException, IOException {
        Object v = rs.getObject(column);
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigInteger bi) {
            g.writeNumber(bi);
        } else if (v instanceof BigDecimal bd) {
            g.writeNumber(bd);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                if (v instanceof Float f) {
                    g.writeNumber(f);
                } else {
                    g.writeNumber(d);
                }
            } else {
                g.writeString(Double.toString(d));
            }
        } else if (v instanceof Timestamp) {
            // Again with a UTC calendar: a timestamp without time zone is taken as UTC, not as the JVM's zone.
            g.writeString(rs.getTimestamp(column, utc()).toInstant().toString());
        } else if (v instanceof byte[] bytes) {
            g.writeString(Base64.getEncoder().encodeToString(bytes));
        } else {
            g.writeString(v.toString());
        }
    }
}
