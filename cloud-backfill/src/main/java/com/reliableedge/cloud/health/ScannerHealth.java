package com.reliableedge.cloud.health;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * What the scanner's health checks judge: when the service started, when scans last completed and succeeded, and the
 * whole-scan failures in a row ({@code backfill_scan_failures_total} counts them all). In memory: each instance
 * judges its own scanner.
 */
@Startup
@ApplicationScoped
public class ScannerHealth {

    private final BackfillConfig config;
    private final Clock clock;
    private final Counter failures;
    private volatile ScannerHealthRules.Record record;

    public ScannerHealth(BackfillConfig config, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.failures = Counter.builder("backfill.scan.failures").description("Whole scans that failed")
                .register(registry);
        this.record = new ScannerHealthRules.Record(clock.instant(), null, null, 0, null);
    }

    public synchronized void succeeded() {
        Instant now = clock.instant();
        record = new ScannerHealthRules.Record(record.startedAt(), now, now, 0, null);
    }

    public synchronized void failed(Throwable failure) {
        failures.increment();
        ScannerHealthRules.Record r = record;
        String error = failure.getClass().getSimpleName() + (failure.getMessage() == null
                ? ""
                : ": " + failure.getMessage());
        record = new ScannerHealthRules.Record(r.startedAt(), r.lastSuccess(), clock.instant(),
                r.consecutiveFailures() + 1, error.length() <= 300 ? error : error.substring(0, 300));
    }

    public ScannerHealthRules.Record record() {
        return record;
    }

    public ScannerHealthRules.Verdict readiness() {
        if (!config.scanEnabled()) {
            return new ScannerHealthRules.Verdict(true, null);
        }
        return ScannerHealthRules.readiness(record, clock.instant(), config.scanInterval(),
                config.health().scanFailures(), config.health().scanStaleIntervals());
    }

    public ScannerHealthRules.Verdict liveness() {
        if (!config.scanEnabled()) {
            return new ScannerHealthRules.Verdict(true, null);
        }
        return ScannerHealthRules.liveness(record, clock.instant(), config.scanInterval(),
                config.health().scanStuckIntervals());
    }
}
