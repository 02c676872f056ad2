package com.reliableedge.cloud.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.coverage.PointModel;
import com.reliableedge.cloud.invoker.MethodResult;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillResponse;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The request state machine's decisions against a brute-force model, including partial fills. */
class RequestDecisionsTest {

    @Provide
    Arbitrary<List<Window>> intervals() {
        return Combinators.combine(Arbitraries.integers().between(0, PointModel.SIZE - 1),
                Arbitraries.integers().between(1, 16))
                .as((start, len) -> new Window(start, Math.min(PointModel.SIZE, start + len))).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<Window> window() {
        return Combinators.combine(Arbitraries.integers().between(0, PointModel.SIZE - 1),
                Arbitraries.integers().between(1, 30))
                .as((start, len) -> new Window(start, Math.min(PointModel.SIZE, start + len)));
    }

    @Property(tries = 1000)
    void evaluateMatchesTheModel(@ForAll("window") Window window, @ForAll("intervals") List<Window> covered,
            @ForAll("intervals") List<Window> lostInput, @ForAll boolean operator,
            @ForAll @IntRange(min = 1, max = 6) int attempt) {
        IntervalSet coverage = IntervalSet.of(covered.toArray(Window[]::new));
        IntervalSet lost = new IntervalSet();
        for (Window l : lostInput) {
            coverage.gaps(l).forEach(lost::add);
        }
        int maxAttempts = 5;
        RequestDecisions.Outcome outcome = RequestDecisions.evaluate(window, coverage, lost, operator, attempt,
                maxAttempts);

        boolean[] c = PointModel.points(coverage);
        boolean[] l = PointModel.points(lost);
        boolean[] missing = new boolean[PointModel.SIZE];
        boolean anyUncovered = false;
        for (long i = window.start(); i < window.end(); i++) {
            int p = (int) i;
            anyUncovered |= !c[p];
            missing[p] = !c[p] && (operator || !l[p]);
        }
        List<Window> expected = PointModel.runs(missing);
        assertThat(RequestDecisions.remaining(window, coverage, lost, operator)).isEqualTo(expected);
        if (expected.isEmpty()) {
            assertThat(outcome).isEqualTo(anyUncovered
                    ? new RequestDecisions.Unrecoverable()
                    : new RequestDecisions.Completed());
        } else if (attempt >= maxAttempts) {
            assertThat(outcome).isEqualTo(new RequestDecisions.Failed(expected));
        } else {
            assertThat(outcome).isEqualTo(new RequestDecisions.Retry(expected));
        }
        // Before a send, the window shrinks to the hull of what is missing.
        if (expected.isEmpty()) {
            assertThat(RequestDecisions.windowToSend(expected)).isEmpty();
        } else {
            assertThat(RequestDecisions.windowToSend(expected)).contains(new Window(expected.get(0).start(),
                    expected.get(expected.size() - 1).end()));
        }
    }

    @Property(tries = 500)
    void fullyReportedMeansEveryMissingPointWasReported(@ForAll("window") Window window,
            @ForAll("intervals") List<Window> covered, @ForAll("intervals") List<Window> reportedInput) {
        IntervalSet coverage = IntervalSet.of(covered.toArray(Window[]::new));
        IntervalSet reported = IntervalSet.of(reportedInput.toArray(Window[]::new));
        boolean[] c = PointModel.points(coverage);
        boolean[] r = PointModel.points(reported);
        boolean expected = true;
        for (long i = window.start(); i < window.end(); i++) {
            expected &= c[(int) i] || r[(int) i];
        }
        assertThat(RequestDecisions.fullyReported(window, coverage, new IntervalSet(), reported)).isEqualTo(expected);
    }

    @Property(tries = 300)
    void aPartialFillLeavesExactlyTheUnfilledPartsForTheNextAttempt(@ForAll("window") Window window,
            @ForAll("intervals") List<Window> batches) {
        // The edge sends some sub-windows of the request as backfill batches, in any order, some twice.
        IntervalSet coverage = new IntervalSet();
        List<Window> sent = new ArrayList<>(batches);
        sent.addAll(batches.subList(0, batches.size() / 2));
        sent.forEach(coverage::add);
        RequestDecisions.Outcome outcome = RequestDecisions.evaluate(window, coverage, new IntervalSet(), false, 1, 5);
        if (coverage.containsAll(window)) {
            assertThat(outcome).isInstanceOf(RequestDecisions.Completed.class);
        } else {
            assertThat(outcome).isEqualTo(new RequestDecisions.Retry(coverage.gaps(window)));
        }
    }

    @Test
    void backoffStartsAtTheBaseDoublesAndStopsAtTheExpiry() {
        Duration base = Duration.ofMinutes(1);
        Duration cap = Duration.ofMinutes(10);
        List<Duration> delays = new ArrayList<>();
        Duration d = null;
        for (int i = 0; i < 6; i++) {
            d = RequestDecisions.nextBackoff(d, base, cap);
            delays.add(d);
        }
        assertThat(delays).extracting(Duration::toMinutes).containsExactly(1L, 2L, 4L, 8L, 10L, 10L);
        assertThat(RequestDecisions.nextBackoff(null, Duration.ofHours(5), Duration.ofHours(3)))
                .isEqualTo(Duration.ofHours(3));
    }

    @Test
    void reportedRangesRoundTrip() {
        IntervalSet set = IntervalSet.of(new Window(-5, 3), new Window(10, 20));
        assertThat(RequestService.parseReported(RequestService.formatReported(set))).isEqualTo(set);
        assertThat(RequestService.parseReported(null)).isEqualTo(new IntervalSet());
    }

    @Test
    void retryMessagesRoundTripAndRejectGarbage() {
        RetryMessage m = new RetryMessage("a:b-c", 3);
        assertThat(RetryMessage.parse(m.format())).isEqualTo(m);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetryMessage.parse("v1|x"))
                .isInstanceOf(com.reliableedge.protocol.ProtocolException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetryMessage.parse("nope"))
                .isInstanceOf(com.reliableedge.protocol.ProtocolException.class);
    }

    @Test
    void anAnswerDecidesTheRequestsNextStep() {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        Duration expiry = Duration.ofHours(3);
        Duration base = Duration.ofMinutes(1);
        assertThat(RequestDecisions.afterSend(new MethodResult(202, null, "202"), Duration.ofMinutes(4), now, expiry,
                base)).isEqualTo(new RequestDecisions.Accepted(now.plus(expiry), expiry));
        assertThat(RequestDecisions.afterSend(new MethodResult(404, new BackfillResponse("r",
                BackfillResponse.Result.UNKNOWN_STREAM, "no such stream"), "404"), null, now, expiry, base))
                .isEqualTo(new RequestDecisions.Refused("edge answered 404: no such stream"));
        assertThat(RequestDecisions.afterSend(MethodResult.noAnswer("timeout"), null, now, expiry, base))
                .isEqualTo(new RequestDecisions.Backoff(base, now.plus(base), "no answer: timeout"));
        assertThat(RequestDecisions.afterSend(new MethodResult(503, null, "503 busy"), Duration.ofMinutes(2), now,
                expiry, base))
                .isEqualTo(new RequestDecisions.Backoff(Duration.ofMinutes(4), now.plus(Duration.ofMinutes(4)),
                        "edge busy or failing: 503 busy"));
        assertThat(RequestDecisions.afterSend(new MethodResult(503, null, "503 busy"), Duration.ofHours(2), now,
                expiry, base)).isEqualTo(new RequestDecisions.Backoff(expiry, now.plus(expiry),
                        "edge busy or failing: 503 busy"));
    }
}
