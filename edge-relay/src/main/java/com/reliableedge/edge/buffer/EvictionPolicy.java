package com.reliableedge.edge.buffer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Which messages make room for a seal past the buffer's byte limit: the oldest in seal order, whatever their lane and
 * whether in flight or not, until the incoming bytes fit, and not one more. When even an empty buffer is too small,
 * all go and the seal is kept anyway (a batch is never refused for the limit). A pure function.
 */
final class EvictionPolicy {

    private EvictionPolicy() {
    }

    /** The bytes that must go before {@code incomingBytes} fit; 0 when they fit. */
    static long bytesToFree(long maxBytes, long heldBytes, long incomingBytes) {
        long room = maxBytes - heldBytes;
        return incomingBytes > room ? incomingBytes - room : 0;
    }

    /**
     * @param oldestFirst the held messages in seal order (buffer id); read only as far as needed
     * @return the messages to evict: the shortest prefix of {@code oldestFirst} that frees enough, or all of it
     */
    static List<HeldMessage> toEvict(long maxBytes, long heldBytes, long incomingBytes,
            Iterator<HeldMessage> oldestFirst) {
        long need = bytesToFree(maxBytes, heldBytes, incomingBytes);
        List<HeldMessage> out = new ArrayList<>();
        long freed = 0;
        while (freed < need && oldestFirst.hasNext()) {
            HeldMessage m = oldestFirst.next();
            out.add(m);
            freed += m.size();
        }
        return out;
    }
}
