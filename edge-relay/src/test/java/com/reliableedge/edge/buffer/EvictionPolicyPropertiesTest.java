package com.reliableedge.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.reliableedge.protocol.index.Window;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Eviction: the oldest messages in seal order, whatever their lane, exactly as many as make the incoming bytes fit
 * (never one more), all of them when even that is not enough, none when the bytes fit; and the held messages are
 * read only as far as the decision needs.
 */
class EvictionPolicyPropertiesTest {

    private static List<HeldMessage> held(List<Long> sizes, List<Integer> lanes) {
        List<HeldMessage> out = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            int lane = lanes.isEmpty() ? 0 : lanes.get(i % lanes.size());
            out.add(new HeldMessage(10L * i + 1, "s" + lane, lane, new Window(i, i + 1), lane >= 2 ? "r" : null,
                    sizes.get(i)));
        }
        return out;
    }

    /** Counts how many candidates the policy reads. */
    private static final class Counting implements Iterator<HeldMessage> {
        private final Iterator<HeldMessage> it;
        int read;

        Counting(List<HeldMessage> list) {
            this.it = list.iterator();
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public HeldMessage next() {
            read++;
            return it.next();
        }
    }

    private static long sum(List<HeldMessage> ms) {
        return ms.stream().mapToLong(HeldMessage::size).sum();
    }

    @Property
    void evictsTheShortestOldestFirstPrefixThatMakesRoom(
            @ForAll @Size(max = 40) List<@LongRange(min = 0, max = 5_000) Long> sizes,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 3) Integer> lanes,
            @ForAll @LongRange(min = 0, max = 100_000) long maxBytes,
            @ForAll @LongRange(min = 0, max = 50_000) long incoming) {
        List<HeldMessage> held = held(sizes, lanes);
        long heldBytes = sum(held);
        Counting candidates = new Counting(held);
        List<HeldMessage> evicted = EvictionPolicy.toEvict(maxBytes, heldBytes, incoming, candidates);
        long freed = sum(evicted);

        // Oldest first: a prefix of the seal order, lanes regardless.
        assertThat(evicted).isEqualTo(held.subList(0, evicted.size()));
        // Read no further than decided.
        assertThat(candidates.read).isEqualTo(evicted.size());
        if (heldBytes + incoming <= maxBytes) {
            assertThat(evicted).isEmpty();
        }
        // Enough: the bounds hold afterwards, unless everything had to go.
        if (evicted.size() < held.size()) {
            assertThat(heldBytes - freed + incoming).isLessThanOrEqualTo(maxBytes);
        }
        // Never more than needed: without the last one evicted, the incoming bytes would not fit.
        if (!evicted.isEmpty()) {
            long withoutLast = freed - evicted.get(evicted.size() - 1).size();
            assertThat(heldBytes - withoutLast + incoming).isGreaterThan(maxBytes);
        }
    }

    @Property
    void bytesToFreeIsWhatExceedsTheLimit(@ForAll @LongRange(min = 0, max = 1L << 40) long maxBytes,
            @ForAll @LongRange(min = 0, max = 1L << 40) long heldBytes,
            @ForAll @LongRange(min = 0, max = 1L << 40) long incoming) {
        assertThat(EvictionPolicy.bytesToFree(maxBytes, heldBytes, incoming)).isEqualTo(Math.max(0, heldBytes
                + incoming - maxBytes));
    }
}
