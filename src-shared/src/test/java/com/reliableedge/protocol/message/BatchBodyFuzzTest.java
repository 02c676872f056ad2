package com.reliableedge.protocol.message;

import static com.reliableedge.protocol.FuzzChecks.check;
import static com.reliableedge.protocol.FuzzChecks.parseOrReject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * Coverage-guided fuzzing of the batch body decode, the heart of ingest. An input is a header line
 * {@code <kind> <start> <end> <eventCount> <encoding> <maxDecodedBytes>} and the body after it; {@code encoding} is
 * {@code plain}, {@code gzip} (the harness gzips the body, so the fuzzer reaches the JSON through the inflater) or
 * {@code raw-gzip} (the body is handed over as gzip data as it is: bombs, truncations). Seeds are in
 * {@code BatchBodyFuzzTestInputs/decode}.
 */
class BatchBodyFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int DEFAULT_MAX_DECODED = 1 << 20;

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        int newline = indexOf(input, (byte) '\n');
        if (newline < 0) {
            return;
        }
        String[] header = new String(input, 0, newline, StandardCharsets.ISO_8859_1).trim().split(" +");
        if (header.length < 5) {
            return;
        }
        IndexKind kind = header[0].equals("time") ? IndexKind.TIME : IndexKind.SEQUENCE;
        Long start = number(header[1]);
        Long end = number(header[2]);
        Long count = number(header[3]);
        String encoding = header[4];
        Long maxDecoded = header.length > 5 ? number(header[5]) : Long.valueOf(DEFAULT_MAX_DECODED);
        if (start == null || end == null || count == null || maxDecoded == null || start >= end
                || !formattable(kind, start) || !formattable(kind, end)) {
            return;
        }
        Window window = new Window(start, end);
        int expectedCount = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, count));
        int maxDecodedBytes = (int) Math.max(0, Math.min(DEFAULT_MAX_DECODED, maxDecoded));
        byte[] body = Arrays.copyOfRange(input, newline + 1, input.length);
        String contentEncoding = switch (encoding) {
            case "gzip" -> {
                body = BatchBody.gzip(body);
                yield MessageProperties.GZIP;
            }
            case "raw-gzip" -> MessageProperties.GZIP;
            default -> null;
        };
        byte[] sent = body;
        List<BatchBody.Event> events = parseOrReject(
                () -> BatchBody.decode(sent, contentEncoding, kind, window, expectedCount, maxDecodedBytes));
        if (events == null) {
            return;
        }
        byte[] json = contentEncoding == null ? sent : BatchBody.gunzip(sent, maxDecodedBytes);
        checkAccepted(json, events, kind, window, expectedCount);
    }

    /** What an accepted body must satisfy: the count, the window, the order, and events kept byte for byte. */
    static void checkAccepted(byte[] json, List<BatchBody.Event> events, IndexKind kind, Window window,
            int expectedCount) {
        check(events.size() == expectedCount, "accepted " + events.size() + " events for eventCount "
                + expectedCount);
        long previous = Long.MIN_VALUE;
        String text = new String(json, StandardCharsets.UTF_8);
        check(Arrays.equals(text.getBytes(StandardCharsets.UTF_8), json),
                "accepted a body that is not valid UTF-8 (its events would be stored altered)");
        List<byte[]> serialized = new ArrayList<>();
        for (BatchBody.Event event : events) {
            check(window.contains(event.index()), "event index " + event.index() + " outside " + window);
            check(event.index() >= previous, "events out of index order");
            previous = event.index();
            check(text.contains(event.json()), "an event that is not a part of the body as received");
            JsonNode node;
            try {
                node = MAPPER.readTree(event.json());
            } catch (Exception e) {
                throw new AssertionError("an accepted event is not JSON: " + e, e);
            }
            check(node != null && node.isObject(), "an accepted event is not a JSON object");
            JsonNode index = node.get(BatchBody.INDEX_FIELD);
            long parsed = index.isTextual() ? kind.parseLenient("index", index.textValue()) : index.longValue();
            check(parsed == event.index(), "event index " + event.index() + " but its JSON says " + index);
            serialized.add(event.json().getBytes(StandardCharsets.UTF_8));
        }
        // Re-encoding round-trips, plain and gzipped: the events joined again decode to the same events.
        byte[] joined = BatchBody.join(serialized);
        check(BatchBody.decode(joined, null, kind, window, expectedCount, Integer.MAX_VALUE).equals(events),
                "the events joined again decode differently");
        check(BatchBody.decode(BatchBody.gzip(joined), MessageProperties.GZIP, kind, window, expectedCount,
                joined.length).equals(events), "the events gzipped again decode differently");
    }

    private static boolean formattable(IndexKind kind, long index) {
        try {
            kind.format(index);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    private static Long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
