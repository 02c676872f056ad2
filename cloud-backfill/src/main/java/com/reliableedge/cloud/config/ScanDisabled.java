package com.reliableedge.cloud.config;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips the scheduled scan and retention purge when {@code backfill.scan-enabled=false}, and in one-shot mode (the
 * job runs its one scan itself).
 */
@ApplicationScoped
public class ScanDisabled implements Scheduled.SkipPredicate {

    private final BackfillConfig config;

    public ScanDisabled(BackfillConfig config) {
        this.config = config;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !config.scanEnabled() || config.mode() == BackfillMode.ONE_SHOT;
    }
}
