package com.reliableedge.protocol.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.ProtocolException;

class WindowTest {

    @Test
    void rejectsEmptyAndReversedRanges() {
        assertThatThrownBy(() -> new Window(5, 3)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.field()).isEqualTo("startWindow");
            assertThat(e.value()).isEqualTo("[5, 3)");
            assertThat(e).hasMessageContaining("must be before endWindow");
        });
        assertThatThrownBy(() -> new Window(4, 4)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void lengthSaturatesOnlyPastLongMaxValue() {
        assertThat(new Window(-3, 4).length()).isEqualTo(7);
        assertThat(new Window(Long.MIN_VALUE, -1).length()).isEqualTo(Long.MAX_VALUE);
        assertThat(new Window(Long.MIN_VALUE, 1).length()).isEqualTo(Long.MAX_VALUE);
        assertThat(new Window(Long.MIN_VALUE, Long.MAX_VALUE).length()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void widthComparisonIsExactWhereLengthSaturates() {
        Window widest = new Window(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(widest.isWiderThan(Long.MAX_VALUE)).isTrue();
        assertThat(new Window(Long.MIN_VALUE, -1).isWiderThan(Long.MAX_VALUE)).isFalse();
        assertThat(new Window(0, 10).isWiderThan(10)).isFalse();
        assertThat(new Window(0, 11).isWiderThan(10)).isTrue();
        assertThat(new Window(0, 1).isWiderThan(-1)).isTrue();
    }

    @Test
    void containsAndOverlapsAreHalfOpen() {
        Window w = new Window(10, 20);
        assertThat(w.contains(10)).isTrue();
        assertThat(w.contains(19)).isTrue();
        assertThat(w.contains(20)).isFalse();
        assertThat(w.overlaps(new Window(20, 30))).isFalse();
        assertThat(w.overlaps(new Window(19, 30))).isTrue();
        assertThat(w).hasToString("[10, 20)");
    }
}
