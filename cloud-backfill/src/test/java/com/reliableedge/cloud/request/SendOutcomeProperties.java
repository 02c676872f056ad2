package com.reliableedge.cloud.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import com.reliableedge.cloud.invoker.MethodResult;
import com.reliableedge.cloud.store.RequestState;
import com.reliableedge.protocol.method.BackfillResponse;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * When a request is sent, and what an answer does to it (PROTOCOL.md sections 5 and 6), for any status, previous
 * backoff and configuration: 202 is REQUESTED until now + expiry with its retry message visible then; 400 and 404 fail it naming
 * the status; anything else (no answer, 503, other codes) leaves it PENDING after a backoff that starts at the base,
 * doubles, never passes the expiry and never uses an attempt. Backfill batches only ever push an expiry forward.
 */
class SendOutcomeProperties {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @Provide
    Arbitrary<MethodResult> results() {
        Arbitrary<Integer> status = Arbitraries.oneOf(Arbitraries.of(0, 200, 202, 400, 404, 409, 429, 500, 503),
                Arbitraries.integers().between(100, 599));
        Arbitrary<String> message = Arbitraries.strings().alpha().ofMaxLength(20).injectNull(0.3);
        return Combinators.combine(status, message, Arbitraries.strings().alpha().ofMaxLength(10))
                .as((code, text, detail) -> new MethodResult(code,
                        text == null ? null : new BackfillResponse("r", BackfillResponse.Result.REJECTED, text),
                        "detail-" + detail));
    }

    @Provide
    Arbitrary<Duration> previous() {
        return Arbitraries.longs().between(1, 10_000_000).map(Duration::ofMillis).injectNull(0.3);
    }

    @Property(tries = 2000)
    void anAnswerLeadsToExactlyOneOfTheProtocolsNextSteps(@ForAll("results") MethodResult result,
            @ForAll("previous") Duration previous, @ForAll @LongRange(min = 1, max = 100_000) long baseMs,
            @ForAll @LongRange(min = 1, max = 10_000_000) long expiryMs) {
        Duration base = Duration.ofMillis(baseMs);
        Duration expiry = Duration.ofMillis(expiryMs);
        RequestDecisions.SendOutcome outcome = RequestDecisions.afterSend(result, previous, NOW, expiry, base);
        if (result.status() == 202) {
            assertThat(outcome).isEqualTo(new RequestDecisions.Accepted(NOW.plus(expiry), expiry));
        } else if (result.status() == 400 || result.status() == 404) {
            assertThat(outcome).isInstanceOf(RequestDecisions.Refused.class);
            String reason = ((RequestDecisions.Refused) outcome).reason();
            assertThat(reason).startsWith("edge answered " + result.status());
            if (result.response() != null && result.response().message() != null) {
                assertThat(reason).endsWith(": " + result.response().message());
            }
        } else {
            assertThat(outcome).isInstanceOf(RequestDecisions.Backoff.class);
            RequestDecisions.Backoff backoff = (RequestDecisions.Backoff) outcome;
            assertThat(backoff.delay()).isEqualTo(RequestDecisions.nextBackoff(previous, base, expiry));
            assertThat(backoff.delay()).isLessThanOrEqualTo(expiry).isPositive();
            assertThat(backoff.nextAttemptAt()).isEqualTo(NOW.plus(backoff.delay()));
            assertThat(backoff.reason()).startsWith(result.answered() ? "edge busy or failing: " : "no answer: ")
                    .endsWith(result.detail());
        }
    }

    @Property(tries = 1000)
    void theBackoffStartsAtTheBaseDoublesAndStopsAtTheExpiry(@ForAll("previous") Duration previous,
            @ForAll @LongRange(min = 1, max = 100_000) long baseMs,
            @ForAll @LongRange(min = 1, max = 10_000_000) long expiryMs) {
        Duration base = Duration.ofMillis(baseMs);
        Duration expiry = Duration.ofMillis(expiryMs);
        Duration next = RequestDecisions.nextBackoff(previous, base, expiry);
        Duration uncapped = previous == null || previous.compareTo(base) < 0 ? base : previous.multipliedBy(2);
        assertThat(next).isEqualTo(uncapped.compareTo(expiry) > 0 ? expiry : uncapped);
        // Repeated no-answers never shrink the delay and reach the cap.
        Duration d = next;
        for (int i = 0; i < 64; i++) {
            Duration after = RequestDecisions.nextBackoff(d, base, expiry);
            assertThat(after).isGreaterThanOrEqualTo(d).isLessThanOrEqualTo(expiry);
            d = after;
        }
        assertThat(d).isEqualTo(expiry);
    }

    @Property(tries = 50)
    void activeRequestsAreTheBlockingOnesThatAreNotFailed(@ForAll RequestState state) {
        assertThat(RequestDecisions.isActive(state))
                .isEqualTo(state == RequestState.PENDING || state == RequestState.REQUESTED);
        assertThat(RequestDecisions.BLOCKING.contains(state))
                .isEqualTo(RequestDecisions.isActive(state) || state == RequestState.FAILED);
    }

    @Provide
    Arbitrary<Instant> aroundNow() {
        return Arbitraries.longs().between(-10_000_000, 10_000_000).map(NOW::plusMillis).injectNull(0.25);
    }

    @Property(tries = 2000)
    void onlyADuePendingUnleasedRequestOfALiveStreamIsSentAndItStaysSendable(@ForAll RequestState state,
            @ForAll("aroundNow") Instant leaseUntil, @ForAll("aroundNow") Instant nextAttemptAt,
            @ForAll boolean stalled, @ForAll @LongRange(min = 0, max = 10_000_000) long laterMs) {
        boolean sendable = RequestDecisions.isSendable(state, leaseUntil, nextAttemptAt, stalled, NOW);
        if (sendable) {
            assertThat(state).isEqualTo(RequestState.PENDING);
            assertThat(stalled).isFalse();
            assertThat(leaseUntil == null || !leaseUntil.isAfter(NOW)).isTrue();
            assertThat(nextAttemptAt == null || !nextAttemptAt.isAfter(NOW)).isTrue();
            // Time only makes a request due: nothing that was sendable stops being so later.
            assertThat(RequestDecisions.isSendable(state, leaseUntil, nextAttemptAt, false, NOW.plusMillis(laterMs)))
                    .isTrue();
        } else if (state == RequestState.PENDING && !stalled) {
            assertThat((leaseUntil != null && leaseUntil.isAfter(NOW))
                    || (nextAttemptAt != null && nextAttemptAt.isAfter(NOW))).isTrue();
        }
    }

    @Property(tries = 1000)
    void aBackfillBatchPushesTheExpiryForwardNeverBack(@ForAll("aroundNow") Instant expiresAt,
            @ForAll @LongRange(min = 1, max = 10_000_000) long expiryMs) {
        Duration expiry = Duration.ofMillis(expiryMs);
        Instant pushed = RequestDecisions.pushedExpiry(expiresAt, NOW, expiry);
        assertThat(pushed).isAfterOrEqualTo(NOW.plus(expiry));
        if (expiresAt != null) {
            assertThat(pushed).isAfterOrEqualTo(expiresAt).isIn(expiresAt, NOW.plus(expiry));
        } else {
            assertThat(pushed).isEqualTo(NOW.plus(expiry));
        }
        assertThat(RequestDecisions.pushedExpiry(pushed, NOW, expiry)).isEqualTo(pushed);
    }
}
