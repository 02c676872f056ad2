package com.reliableedge.systemtest.proxy;

import java.time.Duration;

/** What the {@link FaultProxy} does to the connections it accepts from now on. */
public sealed interface Fault {

    /** Forward both ways untouched. */
    record Pass() implements Fault {
    }

    /** Accept and close at once with a reset: the client sees "connection reset", like a refusing firewall. */
    record Refuse() implements Fault {
    }

    /** Accept and read, never forward and never answer: the client waits for its own timeout. */
    record BlackHole() implements Fault {
    }

    /** Forward, but hold each chunk of bytes back by {@code delay} in both directions. */
    record Delay(Duration delay) implements Fault {
    }

    /**
     * Forward the first {@code bytes} bytes of what the client sends, then cut both sides: a request cut mid-way.
     */
    record CutAfter(int bytes) implements Fault {
    }

    /**
     * Forward each HTTP request normally and send a copy of it to the target once more on a connection of its own,
     * whose answer is thrown away: a duplicated delivery.
     */
    record DuplicateRequests() implements Fault {
    }

    Fault PASS = new Pass();
    Fault REFUSE = new Refuse();
    Fault BLACK_HOLE = new BlackHole();
    Fault DUPLICATE_REQUESTS = new DuplicateRequests();
}
