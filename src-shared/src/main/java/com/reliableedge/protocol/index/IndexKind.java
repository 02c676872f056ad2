package com.reliableedge.protocol.index;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.reliableedge.protocol.ProtocolException;

/**
 * What a stream's data index counts, and how an index value is written on the wire.
 * <ul>
 * <li>{@link #TIME}: epoch milliseconds, written as RFC 3339 UTC with exactly three fraction digits
 * ({@code 2026-11-26T10:00:00.000Z}). Only years 0000 to 9999 can be written, so a time index lies in
 * {@link #MIN_TIME}..{@link #MAX_TIME}. Finer source timestamps are floored to the millisecond
 * ({@link #floorToMillis(Instant)}).</li>
 * <li>{@link #SEQUENCE}: a signed 64-bit counter, written in canonical decimal: no {@code +}, no leading zeros,
 * no {@code -0}.</li>
 * </ul>
 */
public enum IndexKind {
    TIME("time"), SEQUENCE("sequence");

    /** 0000-01-01T00:00:00.000Z, the smallest time index that RFC 3339 can write. */
    public static final long MIN_TIME = -62_167_219_200_000L;
    /** 9999-12-31T23:59:59.999Z, the largest time index that RFC 3339 can write. */
    public static final long MAX_TIME = 253_402_300_799_999L;

    private static final DateTimeFormatter LENIENT_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final String wireName;

    IndexKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the {@code indexKind} property. */
    public String wireName() {
        return wireName;
    }

    /** Parses the {@code indexKind} property value; {@code field} names it in the error. */
    public static IndexKind fromWire(String field, String value) {
        if (value == null) {
            throw ProtocolException.missing(field);
        }
        for (IndexKind kind : values()) {
            if (kind.wireName.equals(value)) {
                return kind;
            }
        }
        throw new ProtocolException(field, value, "must be 'time' or 'sequence'");
    }

    /**
     * Writes an index value in this kind's wire form.
     *
     * @throws ProtocolException when a time index lies outside the years RFC 3339 can write
     */
    public String format(long index) {
        if (this == SEQUENCE) {
            return Long.toString(index);
        }
        if (index < MIN_TIME || index > MAX_TIME) {
            throw new ProtocolException("index", Long.toString(index), "is outside the years 0000-9999");
        }
        return formatTime(index);
    }

    /**
     * Parses an index in its canonical wire form, strictly: what {@link #format(long)} writes and nothing else.
     *
     * @param field the property or JSON field being parsed, named in the error
     */
    public long parse(String field, String value) {
        if (value == null) {
            throw ProtocolException.missing(field);
        }
        return this == SEQUENCE ? parseSequence(field, value) : parseTime(field, value);
    }

    /**
     * Parses an event's index as sources and older writers may give it: any RFC 3339 timestamp (any number of
     * fraction digits, any offset; floored to the millisecond) for {@code time}, canonical decimal for
     * {@code sequence}.
     */
    public long parseLenient(String field, String value) {
        if (value == null) {
            throw ProtocolException.missing(field);
        }
        if (this == SEQUENCE) {
            return parseSequence(field, value);
        }
        try {
            long millis = floorToMillis(LENIENT_TIME.parse(value, Instant::from));
            if (millis < MIN_TIME || millis > MAX_TIME) {
                throw new ProtocolException(field, value, "is outside the years 0000-9999");
            }
            return millis;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new ProtocolException(field, value, "is not an RFC 3339 timestamp", e);
        }
    }

    /** The floor rule: a timestamp finer than a millisecond belongs to the millisecond that contains it. */
    public static long floorToMillis(Instant instant) {
        // Instant keeps non-negative nanos, so this floors also before 1970.
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1000L), instant.getNano() / 1_000_000);
    }

    private static long parseSequence(String field, String value) {
        int length = value.length();
        boolean negative = length > 0 && value.charAt(0) == '-';
        int firstDigit = negative ? 1 : 0;
        if (length == firstDigit || length > 20) {
            throw new ProtocolException(field, value, "is not a canonical decimal integer");
        }
        for (int i = firstDigit; i < length; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException(field, value, "is not a canonical decimal integer");
            }
        }
        if (value.charAt(firstDigit) == '0' && (length > firstDigit + 1 || negative)) {
            throw new ProtocolException(field, value, "is not canonical (leading zero or -0)");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProtocolException(field, value, "is outside the signed 64-bit range", e);
        }
    }

    // yyyy-MM-ddTHH:mm:ss.SSSZ, checked character by character: strict and fast on the ingest path.
    private static final String TIME_SHAPE = "dddd-dd-ddTdd:dd:dd.dddZ";

    private static long parseTime(String field, String value) {
        if (value.length() != TIME_SHAPE.length()) {
            throw new ProtocolException(field, value, "is not RFC 3339 UTC with three fraction digits");
        }
        for (int i = 0; i < TIME_SHAPE.length(); i++) {
            char expected = TIME_SHAPE.charAt(i);
            char c = value.charAt(i);
            boolean ok = expected == 'd' ? c >= '0' && c <= '9' : c == expected;
            if (!ok) {
                throw new ProtocolException(field, value, "is not RFC 3339 UTC with three fraction digits");
            }
        }
        int year = digits(value, 0, 4);
        int month = digits(value, 5, 2);
        int day = digits(value, 8, 2);
        int hour = digits(value, 11, 2);
        int minute = digits(value, 14, 2);
        int second = digits(value, 17, 2);
        int millis = digits(value, 20, 3);
        if (hour > 23 || minute > 59 || second > 59) {
            throw new ProtocolException(field, value, "has an invalid time of day");
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
        } catch (DateTimeException e) {
            throw new ProtocolException(field, value, "has an invalid date", e);
        }
    }

    private static int digits(String s, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }

    private static String formatTime(long millis) {
        long epochDay = Math.floorDiv(millis, 86_400_000L);
        long msOfDay = Math.floorMod(millis, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        StringBuilder sb = new StringBuilder(24);
        pad(sb, date.getYear(), 4).append('-');
        pad(sb, date.getMonthValue(), 2).append('-');
        pad(sb, date.getDayOfMonth(), 2).append('T');
        pad(sb, (int) (msOfDay / 3_600_000L), 2).append(':');
        pad(sb, (int) (msOfDay / 60_000L % 60), 2).append(':');
        pad(sb, (int) (msOfDay / 1000L % 60), 2).append('.');
        pad(sb, (int) (msOfDay % 1000L), 3).append('Z');
        return sb.toString();
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

}
