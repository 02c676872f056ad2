package com.reliableedge.cloud.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import com.reliableedge.protocol.index.Window;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** A parked stream comes back after a backoff that doubles per failure in a row and stays within its bounds. */
class ParkRulesProperties {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    @Property(tries = 1000)
    void theParkDoublesPerFailureWithinItsBounds(@ForAll @IntRange(min = 1, max = 100_000) int failures,
            @ForAll @LongRange(min = 1, max = 3_600) long baseSeconds,
            @ForAll @LongRange(min = 1, max = 86_400) long maxSeconds) {
        Duration base = Duration.ofSeconds(baseSeconds);
        Duration max = Duration.ofSeconds(Math.max(baseSeconds, maxSeconds));
        Duration park = Duration.between(NOW, ParkRules.parkedUntil(failures, NOW, base, max));
        Duration next = Duration.between(NOW, ParkRules.parkedUntil(failures + 1, NOW, base, max));
        assertThat(park).isBetween(base, max);
        assertThat(next).isBetween(park, park.multipliedBy(2));
        if (failures < 20) {
            Duration doubled = base.multipliedBy(1L << (failures - 1));
            assertThat(park).isEqualTo(doubled.compareTo(max) > 0 ? max : doubled);
        }
        assertThat(ParkRules.isParked(NOW.plus(park), NOW)).isTrue();
        assertThat(ParkRules.isParked(NOW.plus(park), NOW.plus(park))).isFalse();
        assertThat(ParkRules.isParked(null, NOW)).isFalse();
    }

    @Property(tries = 200)
    void theReasonIsBoundedAndNamesTheStep(@ForAll @IntRange(min = 0, max = 5000) int length) {
        String reason = ParkRules.reason("planning", new IllegalStateException("x".repeat(length)));
        assertThat(reason).startsWith("planning failed: IllegalStateException");
        assertThat(reason.length()).isLessThanOrEqualTo(ParkRules.MAX_REASON);
    }

    @Property(tries = 10)
    void isolationHandsRuntimeExceptionsAndResourceErrorsToTheFailureHandler(
            @ForAll @IntRange(min = 0, max = 3) int which) {
        Throwable thrown = switch (which) {
            case 0 -> new IllegalStateException("injected");
            case 1 -> new OutOfMemoryError("injected");
            case 2 -> new StackOverflowError();
            default -> new com.reliableedge.protocol.ProtocolException("window", new Window(0, 1).toString(),
                    "injected");
        };
        Throwable[] seen = new Throwable[1];
        assertThat(StreamIsolation.run(() -> {
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) thrown;
        }, e -> seen[0] = e)).isEmpty();
        assertThat(seen[0]).isSameAs(thrown);
        assertThat(StreamIsolation.run(() -> 7, e -> seen[0] = null)).contains(7);
    }
}
