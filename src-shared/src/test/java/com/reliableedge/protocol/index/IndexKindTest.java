package com.reliableedge.protocol.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class IndexKindTest {

    @Test
    void writesTimeAsRfc3339UtcWithThreeFractionDigits() {
        long t = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
        assertThat(IndexKind.TIME.format(t)).isEqualTo("2026-11-26T10:00:00.000Z");
        assertThat(IndexKind.TIME.format(t + 7)).isEqualTo("2026-11-26T10:00:00.007Z");
        assertThat(IndexKind.TIME.format(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
        assertThat(IndexKind.TIME.format(IndexKind.MIN_TIME)).isEqualTo("0000-01-01T00:00:00.000Z");
        assertThat(IndexKind.TIME.format(IndexKind.MAX_TIME)).isEqualTo("9999-12-31T23:59:59.999Z");
    }

    @Test
    void timeOutsideFourDigitYearsCannotBeWritten() {
        assertThatThrownBy(() -> IndexKind.TIME.format(IndexKind.MAX_TIME + 1)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> IndexKind.TIME.format(IndexKind.MIN_TIME - 1)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void parsesOnlyTheCanonicalTimeForm() {
        assertThat(IndexKind.TIME.parse("startWindow", "2026-11-26T10:00:00.000Z")).isEqualTo(Instant.parse(
                "2026-11-26T10:00:00Z").toEpochMilli());
        for (String bad : new String[]{"2026-11-26T10:00:00Z", "2026-11-26T10:00:00.0000Z",
                "2026-11-26T10:00:00.000+00:00", "2026-02-30T10:00:00.000Z", "2026-11-26T24:00:00.000Z",
                "2026-11-26 10:00:00.000Z", "2026-11-26t10:00:00.000z", ""}) {
            assertThatThrownBy(() -> IndexKind.TIME.parse("startWindow", bad))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("startWindow '" + bad + "'");
        }
    }

    @Test
    void floorsFinerTimestampsToTheMillisecond() {
        assertThat(IndexKind.TIME.parseLenient("index", "2026-11-26T10:00:00.123999Z")).isEqualTo(Instant.parse(
                "2026-11-26T10:00:00.123Z").toEpochMilli());
        assertThat(IndexKind.TIME.parseLenient("index", "2026-11-26T11:00:00.5+01:00")).isEqualTo(Instant.parse(
                "2026-11-26T10:00:00.500Z").toEpochMilli());
        // Before 1970 the floor goes down, not towards zero.
        assertThat(IndexKind.floorToMillis(Instant.parse("1969-12-31T23:59:59.9995Z"))).isEqualTo(-1);
    }

    @Test
    void sequencesAreCanonicalDecimal() {
        assertThat(IndexKind.SEQUENCE.format(-42)).isEqualTo("-42");
        assertThat(IndexKind.SEQUENCE.parse("endWindow", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(IndexKind.SEQUENCE.parse("endWindow", "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        for (String bad : new String[]{"+1", "01", "-0", "1.0", " 1", "9223372036854775808", "", "-", "1e3"}) {
            assertThatThrownBy(() -> IndexKind.SEQUENCE.parse("endWindow", bad))
                    .isInstanceOf(ProtocolException.class)
                    .extracting(e -> ((ProtocolException) e).field()).isEqualTo("endWindow");
        }
    }

    @Test
    void kindsHaveTheirWireNames() {
        assertThat(IndexKind.fromWire("indexKind", "time")).isEqualTo(IndexKind.TIME);
        assertThat(IndexKind.fromWire("indexKind", "sequence")).isEqualTo(IndexKind.SEQUENCE);
        assertThatThrownBy(() -> IndexKind.fromWire("indexKind", "Time")).hasMessageContaining("indexKind 'Time'");
    }

    @Property
    void timeRoundTrips(@ForAll @LongRange(min = IndexKind.MIN_TIME, max = IndexKind.MAX_TIME) long millis) {
        String wire = IndexKind.TIME.format(millis);
        assertThat(wire).hasSize(24);
        assertThat(IndexKind.TIME.parse("index", wire)).isEqualTo(millis);
        assertThat(IndexKind.TIME.parseLenient("index", wire)).isEqualTo(millis);
        // The hand-written formatter agrees with java.time.
        assertThat(Instant.parse(wire).toEpochMilli()).isEqualTo(millis);
    }

    @Property
    void sequenceRoundTrips(@ForAll long index) {
        assertThat(IndexKind.SEQUENCE.parse("index", IndexKind.SEQUENCE.format(index))).isEqualTo(index);
    }

    @Property
    void arbitraryStringsParseOrThrowTheLibrarysException(@ForAll String input) {
        for (IndexKind kind : IndexKind.values()) {
            for (boolean lenient : new boolean[]{false, true}) {
                try {
                    long value = lenient ? kind.parseLenient("f", input) : kind.parse("f", input);
                    if (!lenient) {
                        assertThat(kind.format(value)).isEqualTo(input);
                    }
                } catch (ProtocolException expected) {
                    assertThat(expected.field()).isEqualTo("f");
                }
            }
        }
    }

    @Property
    void windowsRoundTripThroughTheirWireForms(@ForAll @LongRange(min = IndexKind.MIN_TIME, max = IndexKind.MAX_TIME
            - 1) long start, @ForAll @LongRange(min = 1, max = 1_000_000_000L) long length) {
        long end = Math.min(IndexKind.MAX_TIME, start + length);
        Window w = new Window(start, end);
        for (IndexKind kind : IndexKind.values()) {
            assertThat(Window.parse(kind, w.startWire(kind), w.endWire(kind))).isEqualTo(w);
        }
    }

    @Test
    void windowsAreHalfOpenWithStartBeforeEnd() {
        Window w = new Window(10, 20);
        assertThat(w.contains(10)).isTrue();
        assertThat(w.contains(20)).isFalse();
        assertThatThrownBy(() -> new Window(5, 5)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Window.parse(IndexKind.SEQUENCE, "7", "3"))
                .hasMessageContaining("startWindow '7' must be before endWindow '3'");
    }
}
