package com.reliableedge.edge.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Says the process is up; readiness checks for real dependencies sit beside it. */
@Liveness
@ApplicationScoped
public class EdgeRelayLivenessCheck implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("edge-relay");
    }
}
