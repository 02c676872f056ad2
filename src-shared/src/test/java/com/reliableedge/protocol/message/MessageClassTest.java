package com.reliableedge.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

class MessageClassTest {

    private static final Window W = new Window(0, 10);

    @Test
    void eachKindOfMessageHasItsClass() {
        assertThat(MessageClass.of(MessageProperties.live("line-1", IndexKind.SEQUENCE, W, 3, 1, 0)))
                .isEqualTo(MessageClass.LIVE);
        assertThat(MessageClass.of(MessageProperties.late("line-1", IndexKind.SEQUENCE, W, 3, 1)))
                .isEqualTo(MessageClass.LATE);
        assertThat(MessageClass.of(MessageProperties.backfill("line-1", IndexKind.SEQUENCE, W, 3, "r-1")))
                .isEqualTo(MessageClass.BACKFILL);
        assertThat(MessageClass.of(MessageProperties.backfillStatus("line-1", IndexKind.SEQUENCE, W, "r-1")))
                .isEqualTo(MessageClass.STATUS);
    }
}
