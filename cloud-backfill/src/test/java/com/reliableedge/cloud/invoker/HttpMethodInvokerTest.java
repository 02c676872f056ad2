package com.reliableedge.cloud.invoker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillRequest;

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

    @Test
    void aDeviceRegisteredWithoutAMethodUrlIsNoAnswerAndNothingIsSent() {
        BackfillRequest request = BackfillRequest.of("r-none", "mqtt-dev", "line-1", IndexKind.SEQUENCE,
                new Window(0, 10), 1);
        MethodResult result = invoker().invoke(new MethodTarget("mqtt-dev", null, KEY), request);
        assertThat(result.answered()).isFalse();
        assertThat(result.detail()).contains("has no method URL");
        assertThat(edge.calls()).isEmpty();
    }
}
