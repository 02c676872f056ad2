package com.reliableedge.cloud.invoker;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import com.reliableedge.cloud.config.BackfillConfig;

import io.quarkus.runtime.Startup;

/**
 * Picks the method invoker named by {@code backfill.invoker.kind}. Built at startup ({@code @Startup}), so a kind this
 * build lacks stops the service before it listens, naming the key and the value.
 */
@ApplicationScoped
public class MethodInvokerProducer {

    @Produces
    @ApplicationScoped
    @Startup
    MethodInvoker methodInvoker(BackfillConfig config, Clock clock) {
        String kind = config.invoker().kind();
        if (!"http".equals(kind)) {
            throw new IllegalStateException("backfill.invoker.kind '" + kind + "' is not available; use 'http'");
        }
        BackfillConfig.Invoker c = config.invoker();
        return new HttpMethodInvoker(c.connectTimeout(), c.responseTimeout(), c.tokenTtl(), config.hubHostName(),
                clock);
    }
}
