package com.reliableedge.cloud.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Liveness of the gap scanner: DOWN when no scan completed for a long multiple of the scan interval. */
@Liveness
@ApplicationScoped
public class ScannerLivenessCheck implements HealthCheck {

    private final ScannerHealth health;

    public ScannerLivenessCheck(ScannerHealth health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        return ScannerReadinessCheck.describe(HealthCheckResponse.named("gap-scanner-progress"), health,
                health.liveness());
    }
}
