package com.reliableedge.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** How a failure the device SDK reports becomes an outcome: only a refusal for good drops the message. */
class IotHubOutcomeProperties {

    @Property
    void onlyTooLargeAndMalformedAreRejectedAndEveryRejectionIsLabelled(@ForAll IotHubStatusCode code) {
        Transport.Result r = IotHubTransport.outcome(code, "detail");
        boolean forGood = code == IotHubStatusCode.REQUEST_ENTITY_TOO_LARGE || code == IotHubStatusCode.BAD_FORMAT;
        assertThat(r.outcome()).isEqualTo(forGood ? Transport.Outcome.REJECTED : Transport.Outcome.RETRY);
        assertThat(r.outcome()).isNotEqualTo(Transport.Outcome.ACKED);
        if (forGood) {
            assertThat(r.reason()).matches("[A-Za-z0-9._-]{1,64}");
        } else {
            assertThat(r.reason()).isNull();
        }
        assertThat(r.detail()).isEqualTo("detail");
    }
}
