package com.reliableedge.edge.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.simulator.SimulatorData;

class SimulatorSourceTest extends SourceAdapterContractTest {

    private static final long START = 1_790_000_000_000L;
    private FakeClock clock = new FakeClock(START);

    private static SimulatorSource.Settings settings(long disconnectEvery, long disconnectFor, long horizon) {
        return new SimulatorSource.Settings(List.of(new StreamInfo("line-1", IndexKind.TIME), new StreamInfo("seq-1",
                IndexKind.SEQUENCE)), 100, 20, disconnectEvery, disconnectFor, horizon, Duration.ZERO);
    }

    @Override
    protected SourceAdapter adapter() {
        clock = new FakeClock(START);
        return new SimulatorSource(settings(0, 0, -1), clock);
    }

    @Override
    protected void advance(long millis) {
        clock.advanceMillis(millis);
    }

    @Test
    void eventsFollowTheSimulatorDataFunction() {
        SimulatorSource sim = new SimulatorSource(settings(0, 0, -1), clock);
        Window w = new Window(START - 1_000, START);
        HistoryRead time = sim.read("line-1", w, 1000);
        assertThat(time.events()).hasSize(10);
        for (SourceEvent e : time.events()) {
            assertThat(e.index() % 100).isZero();
            assertThat(new String(e.json(), StandardCharsets.UTF_8)).isEqualTo(SimulatorData.eventJson(IndexKind.TIME,
                    "line-1", e.index()));
        }
        HistoryRead seq = sim.read("seq-1", new Window(10, 15), 1000);
        assertThat(seq.events()).extracting(SourceEvent::index).containsExactly(10L, 11L, 12L, 13L, 14L);
        assertThat(new String(seq.events().get(0).json(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"index\":\"10\",\"value\":" + SimulatorData.value("seq-1", 10) + "}");
    }

    @Test
    void eventsCanBePaddedToASize() {
        SimulatorSource sim = new SimulatorSource(new SimulatorSource.Settings(List.of(new StreamInfo("seq-1",
                IndexKind.SEQUENCE)), 100, 20, 0, 0, -1, Duration.ZERO, 100), clock);
        SourceEvent e = sim.read("seq-1", new Window(12345, 12346), 10).events().get(0);
        assertThat(e.json()).hasSize(100);
        assertThat(new String(e.json(), StandardCharsets.UTF_8)).startsWith("{\"index\":\"12345\",\"value\":"
                + SimulatorData.value("seq-1", 12345) + ",\"pad\":\"xx");
    }

    @Test
    void sequenceStreamAdvancesAtItsRate() {
        SimulatorSource sim = new SimulatorSource(settings(0, 0, -1), clock);
        long from = ((LiveUpdate.Resumed) sim.poll("seq-1", 100)).from();
        assertThat(from).isEqualTo(START * 20 / 1000);
        clock.advanceMillis(1000);
        LiveUpdate.Data d = (LiveUpdate.Data) sim.poll("seq-1", 1000);
        assertThat(d.events()).hasSize(21);
        assertThat(d.watermark()).isEqualTo(from + 21);
    }

    @Test
    void liveFeedDropsAndResumesOnSchedule() {
        // Down for the first 2 s of every 10 s.
        SimulatorSource sim = new SimulatorSource(settings(10_000, 2_000, -1), clock);
        clock.advanceMillis(10_000 - START % 10_000 + 3_000);
        assertThat(sim.poll("line-1", 100)).isInstanceOf(LiveUpdate.Resumed.class);
        clock.advanceMillis(1_000);
        LiveUpdate.Data before = (LiveUpdate.Data) sim.poll("line-1", 1000);
        assertThat(before.events()).isNotEmpty();
        clock.advanceMillis(6_500);
        assertThat(sim.poll("line-1", 1000)).isInstanceOf(LiveUpdate.Lost.class);
        clock.advanceMillis(500);
        LiveUpdate.Data down = (LiveUpdate.Data) sim.poll("line-1", 1000);
        assertThat(down.events()).isEmpty();
        assertThat(down.watermark()).isEqualTo(before.watermark());
        clock.advanceMillis(2_000);
        LiveUpdate.Resumed back = (LiveUpdate.Resumed) sim.poll("line-1", 1000);
        assertThat(back.from()).isEqualTo(clock.millis());
    }

    @Test
    void historyBeyondTheHorizonIsUnavailable() {
        SimulatorSource sim = new SimulatorSource(settings(0, 0, 60_000), clock);
        HistoryRead h = sim.read("line-1", new Window(START - 120_000, START - 30_000), 100_000);
        assertThat(h.availableFrom()).isEqualTo(START - 60_000);
        assertThat(h.events()).hasSize(300);
        assertThat(h.events().get(0).index()).isEqualTo(START - 60_000);
        HistoryRead none = sim.read("line-1", new Window(START - 120_000, START - 90_000), 100_000);
        assertThat(none.events()).isEmpty();
        assertThat(none.readTo()).isEqualTo(START - 90_000);
    }
}
