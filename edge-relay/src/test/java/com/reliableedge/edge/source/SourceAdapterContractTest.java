package com.reliableedge.edge.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.Window;

/**
 * The contract every {@link SourceAdapter} keeps (see its Javadoc). An implementation's test extends this class and
 * says how to make an adapter and how to let source time pass.
 */
public abstract class SourceAdapterContractTest {

    /** A fresh adapter whose streams hold data and whose live feed is up. */
    protected abstract SourceAdapter adapter();

    /** Lets source time pass so that new events exist. */
    protected abstract void advance(long millis);

    private String anyStream(SourceAdapter a) {
        assertThat(a.streams()).isNotEmpty();
        return a.streams().get(0).streamId();
    }

    @Test
    void firstUpdateOfAFeedIsResumed() {
        SourceAdapter a = adapter();
        for (StreamInfo s : a.streams()) {
            assertThat(a.poll(s.streamId(), 100)).isInstanceOf(LiveUpdate.Resumed.class);
        }
    }

    @Test
    void liveEventsAreVouchedForAndWatermarksNeverMoveBack() {
        SourceAdapter a = adapter();
        String s = anyStream(a);
        long from = ((LiveUpdate.Resumed) a.poll(s, 100)).from();
        long lastWatermark = Long.MIN_VALUE;
        long lastIndex = Long.MIN_VALUE;
        int seen = 0;
        for (int i = 0; i < 50; i++) {
            advance(37);
            LiveUpdate u = a.poll(s, 1000);
            assertThat(u).isInstanceOf(LiveUpdate.Data.class);
            LiveUpdate.Data d = (LiveUpdate.Data) u;
            assertThat(d.watermark()).isGreaterThanOrEqualTo(lastWatermark);
            for (SourceEvent e : d.events()) {
                assertThat(e.index()).isGreaterThanOrEqualTo(from).isGreaterThanOrEqualTo(lastIndex)
                        .isLessThan(d.watermark());
                lastIndex = e.index();
                seen++;
            }
            lastWatermark = d.watermark();
        }
        assertThat(seen).isPositive();
    }

    @Test
    void historyReturnsWhatTheLiveFeedDelivered() {
        SourceAdapter a = adapter();
        String s = anyStream(a);
        long from = ((LiveUpdate.Resumed) a.poll(s, 100)).from();
        List<SourceEvent> live = new ArrayList<>();
        long watermark = from;
        for (int i = 0; i < 20; i++) {
            advance(53);
            LiveUpdate.Data d = (LiveUpdate.Data) a.poll(s, 100_000);
            live.addAll(d.events());
            watermark = d.watermark();
        }
        HistoryRead h = a.read(s, new Window(from, watermark), 100_000);
        assertThat(h.readTo()).isEqualTo(watermark);
        assertThat(h.events()).extracting(SourceEvent::index).containsExactlyElementsOf(live.stream().map(
                SourceEvent::index).toList());
        for (int i = 0; i < live.size(); i++) {
            assertThat(h.events().get(i).json()).isEqualTo(live.get(i).json());
        }
    }

    @Test
    void historyReadStopsAtItsLimitOnAnIndexBoundary() {
        SourceAdapter a = adapter();
        String s = anyStream(a);
        long from = ((LiveUpdate.Resumed) a.poll(s, 100)).from();
        advance(5_000);
        LiveUpdate.Data d = (LiveUpdate.Data) a.poll(s, 100_000);
        Window all = new Window(from, d.watermark());
        List<Long> pieced = new ArrayList<>();
        long at = all.start();
        while (at < all.end()) {
            HistoryRead h = a.read(s, new Window(at, all.end()), 3);
            assertThat(h.events()).hasSizeLessThanOrEqualTo(3);
            assertThat(h.readTo()).isGreaterThan(at).isLessThanOrEqualTo(all.end());
            h.events().forEach(e -> assertThat(e.index()).isGreaterThanOrEqualTo(h.availableFrom()));
            h.events().forEach(e -> pieced.add(e.index()));
            at = h.readTo();
        }
        assertThat(pieced).containsExactlyElementsOf(a.read(s, all, 100_000).events().stream().map(
                SourceEvent::index).toList());
    }
}
