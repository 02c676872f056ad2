package com.reliableedge.cloud.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.Window;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The remainder of a request becomes a bounded number of new requests that still hold all of it. */
class RequestDecisionsProperties {

    @Provide
    Arbitrary<List<Window>> pieces() {
        return Combinators.combine(Arbitraries.longs().between(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2),
                Arbitraries.longs().between(1, 1000)).as((start, len) -> new Window(start, start + len)).list()
                .ofMaxSize(300).map(list -> IntervalSet.of(list.toArray(Window[]::new)).intervals());
    }

    @Property(tries = 1000)
    void joinedRemainderIsBoundedOrderedDisjointAndHoldsEveryPiece(@ForAll("pieces") List<Window> remaining,
            @ForAll @IntRange(min = 1, max = 40) int max) {
        List<Window> joined = RequestDecisions.joinRemainder(remaining, max);
        assertThat(joined.size()).isLessThanOrEqualTo(max);
        if (remaining.size() <= max) {
            assertThat(joined).isEqualTo(remaining);
        }
        for (int i = 1; i < joined.size(); i++) {
            assertThat(joined.get(i).start()).isGreaterThan(joined.get(i - 1).end());
        }
        IntervalSet union = IntervalSet.of(joined.toArray(Window[]::new));
        for (Window piece : remaining) {
            assertThat(union.containsAll(piece)).isTrue();
        }
        if (!remaining.isEmpty()) {
            // Nothing outside the remainder's hull.
            assertThat(joined.get(0).start()).isEqualTo(remaining.get(0).start());
            assertThat(joined.get(joined.size() - 1).end()).isEqualTo(remaining.get(remaining.size() - 1).end());
        }
        assertThat(RequestDecisions.describe(remaining).length()).isLessThan(200);
    }
}
