package com.reliableedge.cloud.config;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * With {@code backfill.mode=one-shot} the HTTP port is not opened ({@code quarkus.http.host-enabled=false}): a
 * scheduled job neither ingests nor serves the operator API or health, and a job platform has nothing to probe.
 * Done in the configuration because the HTTP server starts before any application code runs. Registered in
 * {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
 */
@Priority(Priorities.APPLICATION + 100)
public class OneShotConfigInterceptor implements ConfigSourceInterceptor {

    static final String HOST_ENABLED = "quarkus.http.host-enabled";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (HOST_ENABLED.equals(name)) {
            ConfigValue mode = context.proceed("backfill.mode");
            if (mode != null && BackfillMode.isOneShot(mode.getValue())) {
                return ConfigValue.builder().withName(name).withValue("false")
                        .withConfigSourceName("backfill.mode=one-shot").build();
            }
        }
        return context.proceed(name);
    }
}
