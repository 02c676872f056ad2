package com.reliableedge.edge.source.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceEvent;

/** The resumption of a live feed when a new subscription lists its value items before the server's clock. */
class LiveFeedTest {

    private static LiveFeed.Value value(long index) {
        return new LiveFeed.Value(LiveFeed.event(0, index, ("{\"v\":" + index + "}").getBytes(
                StandardCharsets.UTF_8)));
    }

    private static List<Long> indexes(LiveUpdate u) {
        return ((LiveUpdate.Data) u).events().stream().map(SourceEvent::index).toList();
    }

    @Test
    void aValueListedBeforeTheResumingTickButStampedAfterItIsDelivered() {
        // Seen end to end: the first notification after a restart carried the value of 598 ahead of the clock's 559.
        LiveFeed feed = new LiveFeed(100, 500);
        feed.offerAll(List.of(value(540), value(598), new LiveFeed.Tick(559)));
        assertThat(feed.poll(100)).isEqualTo(new LiveUpdate.Resumed(559));
        feed.offer(value(700));
        feed.offer(new LiveFeed.Tick(1_300));
        LiveUpdate u = feed.poll(100);
        assertThat(indexes(u)).containsExactly(598L, 700L);
        assertThat(((LiveUpdate.Data) u).watermark()).isEqualTo(800);
    }

    @Test
    void valuesWaitingForTheFirstTickAreKeptForIt() {
        LiveFeed feed = new LiveFeed(100, 500);
        feed.offer(value(610));
        assertThat(feed.poll(100)).isInstanceOf(LiveUpdate.Data.class);
        feed.offer(new LiveFeed.Tick(600));
        assertThat(feed.poll(100)).isEqualTo(new LiveUpdate.Resumed(600));
        feed.offer(new LiveFeed.Tick(1_200));
        assertThat(indexes(feed.poll(100))).containsExactly(610L);
    }

    @Test
    void pastItsCapacityTheResumptionStartsAfterTheValuesLetGo() {
        LiveFeed feed = new LiveFeed(3, 500);
        for (long i = 0; i < 2; i++) {
            feed.offerAll(List.of(value(600 + 2 * i), value(601 + 2 * i)));
            feed.poll(100);
        }
        // Four values waited for a tick in a feed that holds three: they are let go, and with them the promise.
        feed.offer(new LiveFeed.Tick(590));
        assertThat(feed.poll(100)).isEqualTo(new LiveUpdate.Resumed(604));
    }
}
