package com.reliableedge.protocol.index;

import static com.reliableedge.protocol.FuzzChecks.check;
import static com.reliableedge.protocol.FuzzChecks.parseOrReject;
import static com.reliableedge.protocol.FuzzChecks.utf8;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the index wire forms: the strict parse (properties, method windows) accepts exactly what
 * {@link IndexKind#format} writes, the lenient parse (event indexes) stays within the writable years, and windows and
 * index kinds parse or are refused cleanly. An input is one or two lines: a value, and optionally a window's end.
 */
class IndexWireFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        String text = utf8(input);
        int newline = text.indexOf('\n');
        String value = newline < 0 ? text : text.substring(0, newline);
        String end = newline < 0 ? null : text.substring(newline + 1);
        parseOrReject(() -> IndexKind.fromWire("indexKind", value));
        for (IndexKind kind : IndexKind.values()) {
            Long strict = parseOrReject(() -> kind.parse("startWindow", value));
            if (strict != null) {
                check(kind.format(strict).equals(value), kind + " accepted '" + value + "', which it writes as '"
                        + kind.format(strict) + "'");
            }
            Long lenient = parseOrReject(() -> kind.parseLenient("index", value));
            if (lenient != null) {
                check(kind.parse("index", kind.format(lenient)) == lenient, "a lenient index does not round-trip");
                check(strict == null || strict.equals(lenient), "strict and lenient parses disagree on " + value);
            }
            if (end != null) {
                Window window = parseOrReject(() -> Window.parse(kind, value, end));
                if (window != null) {
                    check(window.start() < window.end(), "an empty window accepted");
                    check(window.startWire(kind).equals(value) && window.endWire(kind).equals(end),
                            "a window accepted in a form that is not canonical");
                }
            }
        }
        long number = longOf(input);
        for (IndexKind kind : IndexKind.values()) {
            String wire = parseOrReject(() -> kind.format(number));
            if (wire != null) {
                check(kind.parse("index", wire) == number, kind + " writes " + number + " as '" + wire
                        + "', which parses differently");
            }
        }
    }

    private static long longOf(byte[] data) {
        long n = 0;
        for (int i = 0; i < Math.min(8, data.length); i++) {
            n = (n << 8) | (data[i] & 0xff);
        }
        return n;
    }
}
