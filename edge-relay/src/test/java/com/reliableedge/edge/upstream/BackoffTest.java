package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    @Test
    void doublesWithJitterUpToTheMaximum() {
        assertThat(backoff.delayNanos(1, 0.0)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(backoff.delayNanos(1, 0.999)).isBetween(Duration.ofMillis(199).toNanos(), Duration.ofMillis(200)
                .toNanos());
        assertThat(backoff.delayNanos(3, 0.0)).isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(backoff.delayNanos(40, 0.5)).isEqualTo(Duration.ofMillis(22_500).toNanos());
        assertThat(backoff.delayNanos(1000, 1.0)).isLessThanOrEqualTo(Duration.ofSeconds(30).toNanos());
    }
}
