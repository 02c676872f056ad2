package com.reliableedge.protocol.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;

class HttpPathsTest {

    @Test
    void theMessagesPathFillsTheTemplate() {
        assertThat(HttpPaths.messages("site-7")).isEqualTo(HttpPaths.MESSAGES_TEMPLATE.replace("{deviceId}", "site-7"))
                .isEqualTo("/api/v1/devices/site-7/messages");
        assertThat(HttpPaths.BACKFILL_METHOD).isEqualTo("/api/v1/methods/backfill");
    }

    @Test
    void aDeviceIdOutsideTheRuleIsRefusedNotEscaped() {
        assertThatThrownBy(() -> HttpPaths.messages("a/../b")).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.field()).isEqualTo("deviceId"));
    }
}
