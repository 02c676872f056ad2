package com.reliableedge.protocol.binding;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;

class MqttTopicCodecTest {

    /** Found by fuzzing (BindingFuzzTest#mqttTopic): the error repeated a malformed part of any length. */
    @Test
    void errorsStayShortWhateverTheTopic() {
        String longPart = "x".repeat(10_000);
        for (String topic : new String[]{"devices/site-7/messages/events/" + longPart,
                "devices/site-7/messages/events/a=" + longPart + "%zz"}) {
            assertThatThrownBy(() -> MqttTopicCodec.decode(topic)).isInstanceOf(ProtocolException.class)
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).hasSizeLessThan(400));
        }
    }
}
