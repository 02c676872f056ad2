package com.reliableedge.cloud.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.testing.MutableClock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The scanner's health checks going DOWN and back UP, on a fake clock. */
class ScannerHealthTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A configuration with the scan enabled (or not), a 10 s interval and the health defaults 3, 6 and 30. */
    static BackfillConfig config(boolean scanEnabled) {
        BackfillConfig.Health health = (BackfillConfig.Health) Proxy.newProxyInstance(
                BackfillConfig.class.getClassLoader(), new Class<?>[]{BackfillConfig.Health.class},
                (p, m, a) -> switch (m.getName()) {
                    case "scanFailures" -> 3;
                    case "scanStaleIntervals" -> 6;
                    case "scanStuckIntervals" -> 30;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (BackfillConfig) Proxy.newProxyInstance(BackfillConfig.class.getClassLoader(),
                new Class<?>[]{BackfillConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "scanEnabled" -> scanEnabled;
                    case "scanInterval" -> INTERVAL;
                    case "health" -> health;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static HealthCheckResponse.Status ready(ScannerHealth h) {
        return new ScannerReadinessCheck(h).call().getStatus();
    }

    private static HealthCheckResponse.Status live(ScannerHealth h) {
        return new ScannerLivenessCheck(h).call().getStatus();
    }

    @Test
    void readinessGoesDownAfterRepeatedFailuresAndBackUpAfterAGoodScan() {
        ScannerHealth h = new ScannerHealth(config(true), clock, registry);
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.UP);
        h.succeeded();
        h.failed(new IllegalStateException("database closed"));
        h.failed(new IllegalStateException("database closed"));
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.UP);
        h.failed(new IllegalStateException("database closed"));
        HealthCheckResponse down = new ScannerReadinessCheck(h).call();
        assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(down.getData().orElseThrow().get("reason").toString())
                .contains("3 scans failed in a row", "database closed");
        assertThat(registry.get("backfill.scan.failures").counter().count()).isEqualTo(3.0);
        // Failing scans still complete: liveness stays UP.
        assertThat(live(h)).isEqualTo(HealthCheckResponse.Status.UP);

        h.succeeded();
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void readinessGoesDownWithoutAGoodScanForSixIntervals() {
        ScannerHealth h = new ScannerHealth(config(true), clock, registry);
        clock.advance(INTERVAL.multipliedBy(6));
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.UP);
        clock.advance(Duration.ofMillis(1));
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.DOWN);
        h.succeeded();
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.UP);
        clock.advance(INTERVAL.multipliedBy(3));
        h.failed(new RuntimeException("x"));
        clock.advance(INTERVAL.multipliedBy(3).plusMillis(1));
        // Two failures only, but the last good scan is more than six intervals old.
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void livenessGoesDownWhenNoScanCompletesForThirtyIntervalsAndBackUpWhenOneDoes() {
        ScannerHealth h = new ScannerHealth(config(true), clock, registry);
        h.succeeded();
        clock.advance(INTERVAL.multipliedBy(30));
        assertThat(live(h)).isEqualTo(HealthCheckResponse.Status.UP);
        clock.advance(Duration.ofMillis(1));
        HealthCheckResponse down = new ScannerLivenessCheck(h).call();
        assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(down.getData().orElseThrow().get("reason").toString()).startsWith("no scan completed since");
        h.failed(new RuntimeException("but it completed"));
        assertThat(live(h)).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void aDisabledScannerIsAlwaysHealthy() {
        ScannerHealth h = new ScannerHealth(config(false), clock, registry);
        for (int i = 0; i < 5; i++) {
            h.failed(new RuntimeException("x"));
        }
        clock.advance(Duration.ofDays(1));
        assertThat(ready(h)).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(live(h)).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
