package com.reliableedge.protocol.method;

import static com.reliableedge.protocol.FuzzChecks.check;
import static com.reliableedge.protocol.FuzzChecks.parseOrReject;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * Coverage-guided fuzzing of the method payload parsers (PROTOCOL.md section 5) from raw JSON bytes: the request the
 * edge's method endpoint reads, the response the cloud reads, and the {@code backfillStatus} body the cloud's ingest
 * reads. What they accept round-trips through {@code toJson}, and its window either parses ({@code start < end}) or
 * is refused cleanly. Seeds are in {@code MethodPayloadFuzzTestInputs/<method>}.
 */
class MethodPayloadFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void backfillRequest(byte[] input) {
        BackfillRequest request = parseOrReject(() -> BackfillRequest.fromJson(input));
        if (request == null) {
            return;
        }
        check(request.attempt() >= 1, "attempt " + request.attempt() + " accepted");
        check(BackfillRequest.fromJson(request.toJson()).equals(request), "a request re-encodes differently");
        for (IndexKind kind : IndexKind.values()) {
            checkWindow(parseOrReject(() -> request.window(kind)), kind, request.startWindow(),
                    request.endWindow());
        }
    }

    @FuzzTest(maxDuration = "30s")
    void backfillResponse(byte[] input) {
        BackfillResponse response = parseOrReject(() -> BackfillResponse.fromJson(input));
        if (response == null) {
            return;
        }
        check(response.status() == response.result().status(), "status and result disagree");
        check(BackfillResponse.fromJson(response.toJson()).equals(response), "a response re-encodes differently");
    }

    @FuzzTest(maxDuration = "30s")
    void backfillStatus(byte[] input) {
        BackfillStatus status = parseOrReject(() -> BackfillStatus.fromJson(input));
        if (status == null) {
            return;
        }
        check(BackfillStatus.fromJson(status.toJson()).equals(status), "a status re-encodes differently");
        for (IndexKind kind : IndexKind.values()) {
            checkWindow(parseOrReject(() -> status.window(kind)), kind, status.startWindow(), status.endWindow());
        }
    }

    private static void checkWindow(Window window, IndexKind kind, String start, String end) {
        if (window != null) {
            check(window.start() < window.end(), "an empty window accepted");
            check(window.startWire(kind).equals(start) && window.endWire(kind).equals(end),
                    "a window accepted in a form that is not canonical: " + start + ".." + end);
        }
    }
}
