package com.reliableedge.systemtest.scenario;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.reliableedge.systemtest.proxy.Fault;

/**
 * Scenario 6: a soak of random faults of every kind: network cuts, refused, black-holed, slowed, cut and duplicated
 * requests both ways, and kill -9 of either process. CI runs {@code soak.faults} (default 30); the long run is
 * {@code -Dsoak.faults=120}. The seed ({@code soak.seed}) is printed so a failing run can be replayed.
 */
class SoakIT extends ScenarioBase {

    private static final int FAULTS = Integer.getInteger("soak.faults", 30);

    @Test
    void nothingIsLostUnderRandomFaults() throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        System.out.println("soak: " + FAULTS + " faults, seed " + seed + " (replay with -Dsoak.seed=" + seed + ")");
        Random random = new Random(seed);
        start(setup().withEdgeConfig(Map.of(
                "relay.source.simulator.disconnect-every", "30s",
                "relay.source.simulator.disconnect-for", "2s",
                "relay.sender.max-in-flight", "6")));
        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);

        while (faults < FAULTS) {
            inject(random);
            faults++;
            holdFor(Duration.ofMillis(500 + random.nextInt(2500)));
            heal();
            holdFor(Duration.ofMillis(200 + random.nextInt(1000)));
        }
        heal();
        assertEverythingArrived(Duration.ofSeconds(180));
    }

    private void inject(Random random) throws Exception {
        switch (random.nextInt(9)) {
            case 0 -> system.cutNetwork();
            case 1 -> system.upstream().setFault(Fault.REFUSE);
            case 2 -> system.upstream().setFault(Fault.BLACK_HOLE);
            case 3 -> system.upstream().setFault(new Fault.Delay(Duration.ofMillis(50 + random.nextInt(500))));
            case 4 -> system.upstream().setFault(new Fault.CutAfter(100 + random.nextInt(2000)));
            case 5 -> system.upstream().setFault(Fault.DUPLICATE_REQUESTS);
            case 6 -> system.methods().setFault(random.nextBoolean() ? Fault.REFUSE : Fault.BLACK_HOLE);
            case 7 -> system.edge().kill();
            default -> system.cloud().kill();
        }
        system.upstream().dropConnections();
    }

    private void heal() throws Exception {
        system.restoreNetwork();
        if (!system.cloud().isAlive()) {
            system.cloud().startAndAwaitReady(Duration.ofSeconds(90));
        }
        if (!system.edge().isAlive()) {
            system.edge().startAndAwaitReady(Duration.ofSeconds(90));
        }
    }
}
