package com.reliableedge.cloud.invoker;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import com.reliableedge.cloud.config.BackfillConfig;

/** Picks the method invoker named by {@code backfill.invoker.kind}. */
@ApplicationScoped
public class MethodInvokerProducer {

    @Produces
    @ApplicationScoped
    MethodInvoker methodInvoker(BackfillConfig config, Clock clock) {
        String kind = config.invoker().kind();
        if (!"http".equals(kind)) {
            throw new IllegalStateException("unknown backfill.invoker.kind '" + kind
                    + "': this build has http (mqtt and iothub come later)");
        }
        BackfillConfig.Invoker c = config.invoker();
        return new HttpMethodInvoker(c.connectTimeout(), c.responseTimeout(), c.tokenTtl(), config.hubHostName(),
                clock);
    }
}
