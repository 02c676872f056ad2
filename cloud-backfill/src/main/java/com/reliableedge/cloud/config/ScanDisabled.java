package com.reliableedge.cloud.config;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/** Skips the scheduled scan and retention purge when {@code backfill.scan-enabled=false}. */
@ApplicationScoped
public class ScanDisabled implements Scheduled.SkipPredicate {

    private final BackfillConfig config;

    public ScanDisabled(BackfillConfig config) {
        this.config = config;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !config.scanEnabled();
    }
}
