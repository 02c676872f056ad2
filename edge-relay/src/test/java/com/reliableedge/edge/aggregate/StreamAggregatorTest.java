package com.reliableedge.edge.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.edge.source.FakeClock;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

class StreamAggregatorTest {

    private static final SealLimits LIMITS = new SealLimits(262_144, 1000, 60_000, 1_000_000_000L, 30_000_000_000L);
    private final FakeClock clock = new FakeClock(0);
    private final StreamInfo stream = new StreamInfo("line-1", IndexKind.SEQUENCE);

    private static SourceEvent event(long index) {
        return new SourceEvent(index, ("{\"index\":\"" + index + "\",\"value\":1}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void afterARestartWithAHoleTheHoleIsHealedAndTheCursorJumps() {
        StreamCursor restored = new StreamCursor("line-1", IndexKind.SEQUENCE, 100, 7, 10, 0);
        StreamAggregator agg = new StreamAggregator(stream, restored, LIMITS, new BatchEncoder(false), clock.nanos());
        agg.accept(new LiveUpdate.Resumed(250), clock.nanos());
        Seal heal = agg.prepare(clock.nanos()).orElseThrow();
        assertThat(heal.heal()).isEqualTo(new Window(100, 250));
        assertThat(heal.messages()).isEmpty();
        assertThat(heal.cursor().cursor()).isEqualTo(250);
        agg.commit(heal, clock.nanos());

        agg.accept(new LiveUpdate.Data(List.of(event(250), event(251)), 252), clock.nanos());
        clock.advanceMillis(1_000);
        Seal live = agg.prepare(clock.nanos()).orElseThrow();
        assertThat(live.heal()).isNull();
        assertThat(live.liveWindows()).containsExactly(new Window(250, 252));
        assertThat(live.messages().get(0).properties().seq()).isEqualTo(8);
        assertThat(live.messages().get(0).properties().streamOrigin()).isEqualTo(10);
    }

    @Test
    void moreEventsAtOneIndexThanABatchMayCountAreSealedTogetherWithoutWaitingForLaterData() {
        // Found by StreamAggregatorPropertiesTest (seed 1065): the count limit fired, but the cutter kept the one
        // over-full index group open, so the stream sealed nothing (not even heartbeats) until a later index came.
        SealLimits fewEvents = new SealLimits(262_144, 3, 60_000, 1_000_000_000L, 30_000_000_000L);
        StreamAggregator agg = new StreamAggregator(stream, null, fewEvents, new BatchEncoder(false), clock.nanos());
        agg.accept(new LiveUpdate.Resumed(0), clock.nanos());
        agg.accept(new LiveUpdate.Data(List.of(event(5), event(5), event(5), event(5), event(5)), 8), clock.nanos());
        Seal seal = agg.prepare(clock.nanos()).orElseThrow();
        assertThat(seal.liveWindows()).containsExactly(new Window(0, 6));
        assertThat(seal.messages().get(0).properties().eventCount()).isEqualTo(5);
        agg.commit(seal, clock.nanos());
        clock.advanceMillis(30_000); // and the stream goes on: the next heartbeat covers the rest
        Seal rest = agg.prepare(clock.nanos()).orElseThrow();
        assertThat(rest.liveWindows()).containsExactly(new Window(6, 8));
    }

    @Test
    void anAbandonedSealUsesNoSeqAndLeavesAGap() {
        StreamAggregator agg = new StreamAggregator(stream, null, LIMITS, new BatchEncoder(false), clock.nanos());
        agg.accept(new LiveUpdate.Resumed(0), clock.nanos());
        agg.accept(new LiveUpdate.Data(List.of(event(0), event(1)), 2), clock.nanos());
        clock.advanceMillis(1_000);
        Seal first = agg.prepare(clock.nanos()).orElseThrow();
        agg.commit(first, clock.nanos());
        agg.accept(new LiveUpdate.Data(List.of(event(2)), 3), clock.nanos());
        clock.advanceMillis(1_000);
        Seal refused = agg.prepare(clock.nanos()).orElseThrow();
        agg.abandon(refused, clock.nanos());
        agg.accept(new LiveUpdate.Data(List.of(event(3)), 4), clock.nanos());
        clock.advanceMillis(1_000);
        Seal next = agg.prepare(clock.nanos()).orElseThrow();
        assertThat(next.liveWindows()).containsExactly(new Window(3, 4));
        assertThat(next.messages().get(0).properties().seq()).isEqualTo(2);
    }

    @Test
    void lateEventsGoInALateBatchOfTheirSealedWindow() {
        StreamAggregator agg = new StreamAggregator(stream, null, LIMITS, new BatchEncoder(false), clock.nanos());
        agg.accept(new LiveUpdate.Resumed(0), clock.nanos());
        agg.accept(new LiveUpdate.Data(List.of(event(0), event(5)), 10), clock.nanos());
        clock.advanceMillis(1_000);
        agg.commit(agg.prepare(clock.nanos()).orElseThrow(), clock.nanos());
        agg.accept(new LiveUpdate.Data(List.of(event(3), event(7)), 12), clock.nanos());
        clock.advanceMillis(1_000);
        Seal seal = agg.prepare(clock.nanos()).orElseThrow();
        assertThat(seal.lateEvents()).isEqualTo(2);
        var late = seal.messages().stream().filter(m -> m.properties().late()).toList();
        assertThat(late).hasSize(1);
        assertThat(late.get(0).properties().window()).isEqualTo(new Window(3, 8));
        assertThat(late.get(0).properties().lateSeq()).isEqualTo(1);
        assertThat(seal.cursor().lateSeq()).isEqualTo(1);
    }
}
