package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.reliableedge.systemtest.cloud.PrometheusText;
import com.reliableedge.systemtest.proxy.Fault;

/**
 * Scenario 5: every request is delivered twice, and many travel at once through a slow link so they arrive out of
 * order. Duplicates are acknowledged and stored once; holes that late arrivals fill within the detection delay never
 * become backfill requests.
 */
class OutOfOrderAndDuplicatesIT extends ScenarioBase {

    @Test
    void noFalseBackfillsAndNoDuplicateEvents() throws Exception {
        start(setup().withEdgeConfig(Map.of("relay.sender.max-in-flight", "8")));
        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);

        system.upstream().setFault(Fault.DUPLICATE_REQUESTS);
        system.upstream().dropConnections(); // the edge reconnects, now through the duplicating proxy
        faults++;
        awaitUntil("duplicates reach the cloud", Duration.ofSeconds(30), () -> system.upstream()
                .duplicatedRequests() >= 20);
        system.upstream().setFault(new Fault.Delay(Duration.ofMillis(400)));
        system.upstream().dropConnections();
        faults++;
        holdFor(Duration.ofSeconds(10));
        system.upstream().setFault(Fault.PASS);

        assertEverythingArrived(Duration.ofSeconds(90));
        assertThat(PrometheusText.sum(system.api().metrics(), "backfill_batches_duplicated_total", ""))
                .as("duplicate messages the cloud acknowledged").isPositive();
        assertThat(system.api().backfills(null).size()).as("backfill requests (none should be needed)").isZero();
    }
}
