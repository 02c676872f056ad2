package com.reliableedge.cloud.testing;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import com.reliableedge.cloud.scan.GapScanner;

/**
 * Base of the {@code @QuarkusTest}s that play the edge: a clean database, a fake method endpoint, and helpers to
 * move the clock and run a scan.
 */
public abstract class ServiceTestBase {

    @Inject
    protected GapScanner scanner;

    protected FakeEdge fakeEdge;

    @BeforeEach
    void startFakeEdge() {
        Database.clear();
        fakeEdge = new FakeEdge();
    }

    @AfterEach
    void stopFakeEdge() {
        fakeEdge.close();
    }

    protected static void advance(Duration d) {
        TestClock.CLOCK.advance(d);
    }

    protected GapScanner.ScanReport scan() {
        return scanner.scan();
    }
}
