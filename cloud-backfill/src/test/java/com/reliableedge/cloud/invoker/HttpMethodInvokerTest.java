package com.reliableedge.cloud.invoker;

import java.time.Clock;
import java.time.Duration;

/** The method invoker contract on the {@code http} invoker. */
class HttpMethodInvokerTest extends MethodInvokerContractTest {

    @Override
    protected MethodInvoker invoker() {
        return new HttpMethodInvoker(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(5), HOST,
                Clock.systemUTC());
    }

    @Override
    protected MethodTarget target(String deviceId) {
        return new MethodTarget(deviceId, edge.url() + "/", KEY);
    }
}
