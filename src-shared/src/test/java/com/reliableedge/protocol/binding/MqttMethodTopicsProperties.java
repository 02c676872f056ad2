package com.reliableedge.protocol.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Method topics round-trip in both forms, and any other string parses or throws ProtocolException. */
class MqttMethodTopicsProperties {

    @Property
    void callsRoundTrip(@ForAll("ids") String device, @ForAll("ids") String method, @ForAll("ids") String rid) {
        String plain = MqttMethodTopics.request(device, method, rid);
        assertThat(plain).startsWith("devices/" + device + "/methods/POST/").doesNotContain("+", "#");
        assertThat(MqttMethodTopics.parseRequest(plain)).isEqualTo(new MqttMethodTopics.Request(device, method, rid));
        assertThat(MqttMethodTopics.parseRequest(MqttMethodTopics.hubRequest(method, rid))).isEqualTo(
                new MqttMethodTopics.Request(null, method, rid));
    }

    @Property
    void answersRoundTrip(@ForAll("ids") String device, @ForAll @IntRange(min = 100, max = 599) int status,
            @ForAll("ids") String rid) {
        assertThat(MqttMethodTopics.parseResponse(MqttMethodTopics.response(device, status, rid))).isEqualTo(
                new MqttMethodTopics.Response(device, status, rid));
        assertThat(MqttMethodTopics.parseResponse(MqttMethodTopics.hubResponse(status, rid))).isEqualTo(
                new MqttMethodTopics.Response(null, status, rid));
    }

    @Property
    void arbitraryTopicsParseOrThrow(@ForAll String tail, @ForAll("ids") String device) {
        for (String topic : new String[]{tail, "devices/" + device + "/methods/" + tail, "$iothub/methods/" + tail,
                "devices/" + device + "/methods/res/" + tail, "$iothub/methods/POST/" + tail}) {
            try {
                MqttMethodTopics.parseRequest(topic);
            } catch (ProtocolException expected) {
                assertThat(expected.field()).isNotBlank();
            }
            try {
                MqttMethodTopics.parseResponse(topic);
            } catch (ProtocolException expected) {
                assertThat(expected.field()).isNotBlank();
            }
        }
    }

    @Test
    void theWireFormsAreTheOnesIotHubUses() {
        assertThat(MqttMethodTopics.request("site-7", "backfill", "42")).isEqualTo(
                "devices/site-7/methods/POST/backfill/?$rid=42");
        assertThat(MqttMethodTopics.response("site-7", 202, "42")).isEqualTo(
                "devices/site-7/methods/res/202/?$rid=42");
        assertThat(MqttMethodTopics.hubRequest("backfill", "1")).isEqualTo("$iothub/methods/POST/backfill/?$rid=1");
        assertThat(MqttMethodTopics.hubResponse(503, "1")).isEqualTo("$iothub/methods/res/503/?$rid=1");
        assertThat(MqttMethodTopics.requestFilter("site-7")).isEqualTo("devices/site-7/methods/POST/#");
        assertThat(MqttMethodTopics.responseFilter()).isEqualTo("devices/+/methods/res/#");
        assertThat(MqttMethodTopics.hubRequestFilter()).isEqualTo("$iothub/methods/POST/#");
        assertThat(MqttMethodTopics.hubResponseFilter()).isEqualTo("$iothub/methods/res/#");
        // The hub may add parameters after the request id.
        assertThat(MqttMethodTopics.parseRequest("$iothub/methods/POST/backfill/?$rid=7&$x=1").rid()).isEqualTo("7");
    }

    @Test
    void badTopicsAreNamed() {
        assertThatThrownBy(() -> MqttMethodTopics.parseResponse("devices/site-7/methods/res/abc/?$rid=1"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not a number");
        assertThatThrownBy(() -> MqttMethodTopics.parseResponse("devices/site-7/methods/res/99/?$rid=1"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("100-599");
        assertThatThrownBy(() -> MqttMethodTopics.parseRequest("devices/site-7/methods/POST/backfill"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("$rid");
        assertThatThrownBy(() -> MqttMethodTopics.parseRequest("devices/site 7/methods/POST/backfill/?$rid=1"))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("deviceId");
        assertThatThrownBy(() -> MqttMethodTopics.response("site-7", 42, "1")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("status");
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(20);
    }
}
