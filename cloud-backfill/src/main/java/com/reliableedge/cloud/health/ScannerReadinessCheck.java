package com.reliableedge.cloud.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the gap scanner: DOWN after repeated whole-scan failures or without a good scan for a while. */
@Readiness
@ApplicationScoped
public class ScannerReadinessCheck implements HealthCheck {

    private final ScannerHealth health;

    public ScannerReadinessCheck(ScannerHealth health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        return describe(HealthCheckResponse.named("gap-scanner"), health, health.readiness());
    }

    static HealthCheckResponse describe(HealthCheckResponseBuilder b, ScannerHealth health,
            ScannerHealthRules.Verdict verdict) {
        ScannerHealthRules.Record r = health.record();
        b.status(verdict.up()).withData("consecutiveFailures", r.consecutiveFailures());
        if (r.lastSuccess() != null) {
            b.withData("lastSuccess", r.lastSuccess().toString());
        }
        if (r.lastCompletion() != null) {
            b.withData("lastCompletion", r.lastCompletion().toString());
        }
        if (verdict.reason() != null) {
            b.withData("reason", verdict.reason());
        }
        return b.build();
    }
}
