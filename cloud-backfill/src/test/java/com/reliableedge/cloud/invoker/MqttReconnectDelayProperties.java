package com.reliableedge.cloud.invoker;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The mqtt invoker's reconnect delay: short at first, never shrinking, never beyond 30 s. */
class MqttReconnectDelayProperties {

    @Property
    void isBetweenAQuarterSecondAndThirtySeconds(@ForAll int failures) {
        assertThat(MqttMethodInvoker.reconnectDelayMillis(failures)).isBetween(250L, 30_000L);
    }

    @Property
    void neverShrinksWithMoreFailures(@ForAll @IntRange(min = -5, max = 1000) int failures) {
        assertThat(MqttMethodInvoker.reconnectDelayMillis(failures + 1)).isGreaterThanOrEqualTo(MqttMethodInvoker
                .reconnectDelayMillis(failures));
    }

    @Property
    void doublesUntilTheCap(@ForAll @IntRange(min = 0, max = 30) int failures) {
        long now = MqttMethodInvoker.reconnectDelayMillis(failures);
        long next = MqttMethodInvoker.reconnectDelayMillis(failures + 1);
        assertThat(next).isEqualTo(Math.min(30_000L, 2 * now));
    }
}
