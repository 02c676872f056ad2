package com.reliableedge.edge.source.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.SourceAdapterContractTest;
import com.reliableedge.edge.source.SourceEvent;
import com.reliableedge.fixtures.OpcUaTestServer;
import com.reliableedge.protocol.index.Window;

/**
 * The OPC UA source against an in-process {@link OpcUaTestServer}: the SPI contract, then discontinuities, history
 * paging, the horizon, history-less nodes and a secured session. Source time is real time; {@link #advance} has the
 * server produce values and waits until the watermark lag and a publish have passed them.
 */
class OpcUaSourceTest extends SourceAdapterContractTest {

    private static final Map<String, List<String>> STREAMS = Map.of("line-1", List.of("a", "b"), "line-2", List.of(
            "a"), "nohist", List.of("c"));
    private static final AtomicLong LAST = new AtomicLong();
    private static OpcUaTestServer server;
    private final List<OpcUaSource> open = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        // Strictly increasing source times: each produceNow() is one index (both nodes share it).
        server = OpcUaTestServer.builder().nodes("a", "b", "c").period(Duration.ZERO).maxValuesPerRead(5)
                .withoutHistory("c").clock(() -> LAST.updateAndGet(l -> Math.max(l + 1, System.currentTimeMillis())))
                .start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void closeAdapters() {
        open.forEach(OpcUaSource::close);
        open.clear();
    }

    private OpcUaSource started(OpcUaSettings settings, Clock clock) throws InterruptedException {
        OpcUaSource s = OpcUaSource.start(settings, clock);
        open.add(s);
        assertThat(s.awaitLive(Duration.ofSeconds(20))).as("the adapter subscribed").isTrue();
        return s;
    }

    @Override
    protected SourceAdapter adapter() {
        try {
            return started(OpcUaTestSupport.settings(server, STREAMS, Optional.empty()), Clock.systemUTC());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void advance(long millis) {
        int values = (int) Math.max(1, Math.min(20, millis / 100));
        for (int i = 0; i < values; i++) {
            server.produceNow();
        }
        long produced = LAST.get();
        // The watermark passes a value once the server clock, sampled every publishing interval, is past it plus the lag.
        long settled = produced + OpcUaTestSupport.LAG.toMillis() + 6 * OpcUaTestSupport.PUBLISHING.toMillis();
        Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5)).until(() -> System
                .currentTimeMillis() > settled);
    }

    private static LiveUpdate.Data data(SourceAdapter a, String stream) {
        return (LiveUpdate.Data) a.poll(stream, 100_000);
    }

    @Test
    void aDroppedSessionIsLostThenResumedAndNothingIsVouchedForAcrossTheHole() throws Exception {
        OpcUaSource a = started(OpcUaTestSupport.settings(server, STREAMS, Optional.empty()), Clock.systemUTC());
        assertThat(a.poll("line-1", 100)).isInstanceOf(LiveUpdate.Resumed.class);
        advance(100);
        long before = data(a, "line-1").watermark();
        server.dropSessions();
        List<LiveUpdate> updates = new ArrayList<>();
        // Values produced while the client has no session fall into the hole.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            server.produceNow();
            LiveUpdate u = a.poll("line-1", 100_000);
            updates.add(u);
            return u instanceof LiveUpdate.Resumed;
        });
        int lost = indexOf(updates, LiveUpdate.Lost.class);
        assertThat(lost).as("Lost before Resumed: %s", updates).isNotNegative();
        long reportedBeforeLoss = before;
        for (LiveUpdate u : updates.subList(0, lost)) {
            reportedBeforeLoss = Math.max(reportedBeforeLoss, ((LiveUpdate.Data) u).watermark());
        }
        for (LiveUpdate u : updates.subList(lost + 1, updates.size() - 1)) {
            assertThat(((LiveUpdate.Data) u).events()).as("nothing between Lost and Resumed").isEmpty();
        }
        long from = ((LiveUpdate.Resumed) updates.get(updates.size() - 1)).from();
        assertThat(from).isGreaterThanOrEqualTo(reportedBeforeLoss);
        List<SourceEvent> after = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            advance(100);
            after.addAll(data(a, "line-1").events());
            return !after.isEmpty();
        });
        assertThat(after).allSatisfy(e -> assertThat(e.index()).isGreaterThanOrEqualTo(from));
    }

    @Test
    void aServerRestartIsLostThenResumed() throws Exception {
        OpcUaSource a = started(OpcUaTestSupport.settings(server, STREAMS, Optional.empty()), Clock.systemUTC());
        assertThat(a.poll("line-2", 100)).isInstanceOf(LiveUpdate.Resumed.class);
        advance(100);
        data(a, "line-2");
        server.restart();
        List<LiveUpdate> updates = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> {
            server.produceNow();
            LiveUpdate u = a.poll("line-2", 100_000);
            updates.add(u);
            return u instanceof LiveUpdate.Resumed;
        });
        assertThat(indexOf(updates, LiveUpdate.Lost.class)).isNotNegative();
    }

    private static int indexOf(List<LiveUpdate> updates, Class<?> type) {
        for (int i = 0; i < updates.size(); i++) {
            if (type.isInstance(updates.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void historyOverManyContinuationPointsEqualsWhatLiveDelivered() throws Exception {
        OpcUaSource a = started(OpcUaTestSupport.settings(server, STREAMS, Optional.empty()), Clock.systemUTC());
        long from = ((LiveUpdate.Resumed) a.poll("line-1", 100)).from();
        List<SourceEvent> live = new ArrayList<>();
        long watermark = from;
        for (int i = 0; i < 4; i++) {
            advance(1_000);
            LiveUpdate.Data d = data(a, "line-1");
            live.addAll(d.events());
            watermark = d.watermark();
        }
        // 40 values per node; the server answers 5 per call: 8 continuation points per node.
        assertThat(live).hasSizeGreaterThanOrEqualTo(80);
        HistoryRead whole = a.read("line-1", new Window(from, watermark), 100_000);
        assertThat(whole.readTo()).isEqualTo(watermark);
        assertThat(whole.events()).extracting(e -> new String(e.json())).containsExactlyElementsOf(live.stream().map(
                e -> new String(e.json())).toList());
        assertThat(whole.events()).extracting(SourceEvent::index).containsExactlyElementsOf(live.stream().map(
                SourceEvent::index).toList());
        // The values and timestamps are the ones the server recorded.
        long recorded = server.recorded("a", from, watermark).size() + server.recorded("b", from, watermark).size();
        assertThat(whole.events()).hasSize((int) recorded);

        List<SourceEvent> pieced = new ArrayList<>();
        long at = from;
        while (at < watermark) {
            HistoryRead h = a.read("line-1", new Window(at, watermark), 7);
            assertThat(h.events()).hasSizeLessThanOrEqualTo(7);
            pieced.addAll(h.events());
            at = h.readTo();
        }
        assertThat(pieced).extracting(e -> new String(e.json())).containsExactlyElementsOf(live.stream().map(
                e -> new String(e.json())).toList());
    }

    @Test
    void dataOlderThanTheHorizonAndNodesWithoutHistoryAreUnavailable() throws Exception {
        long now = System.currentTimeMillis();
        Clock fixed = Clock.fixed(java.time.Instant.ofEpochMilli(now), java.time.ZoneOffset.UTC);
        OpcUaSource a = started(OpcUaTestSupport.settings(server, STREAMS, Optional.of(Duration.ofHours(1))), fixed);
        HistoryRead partly = a.read("line-1", new Window(now - 7_200_000, now - 1_000), 100_000);
        assertThat(partly.availableFrom()).isEqualTo(now - 3_600_000);
        assertThat(partly.readTo()).isEqualTo(now - 1_000);
        partly.events().forEach(e -> assertThat(e.index()).isGreaterThanOrEqualTo(now - 3_600_000));
        HistoryRead gone = a.read("line-1", new Window(now - 7_200_000, now - 3_600_001), 100_000);
        assertThat(gone.availableFrom()).isEqualTo(now - 3_600_000);
        assertThat(gone.events()).isEmpty();

        HistoryRead none = a.read("nohist", new Window(now - 60_000, now), 100_000);
        assertThat(none.availableFrom()).isEqualTo(now);
        assertThat(none.readTo()).isEqualTo(now);
        assertThat(none.events()).isEmpty();
    }

    @Test
    void basic256Sha256SignAndEncryptWithAUserConnects(@TempDir Path dir) throws Exception {
        try (OpcUaTestServer secured = OpcUaTestServer.builder().nodes("x").period(Duration.ofMillis(20)).user(
                "operator", "s3cret").start()) {
            Files.write(dir.resolve("server.der"), secured.certificate().getEncoded());
            OpcUaSource a = started(OpcUaTestSupport.secured(secured, Map.of("s", List.of("x")), dir, "operator",
                    "s3cret"), Clock.systemUTC());
            long from = ((LiveUpdate.Resumed) a.poll("s", 100)).from();
            List<SourceEvent> live = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                live.addAll(data(a, "s").events());
                return live.size() >= 3;
            });
            assertThat(live).allSatisfy(e -> assertThat(e.index()).isGreaterThanOrEqualTo(from));
            HistoryRead h = a.read("s", new Window(from, live.get(2).index() + 1), 1_000);
            assertThat(h.events()).extracting(e -> new String(e.json())).containsExactlyElementsOf(live.subList(0, 3)
                    .stream().map(e -> new String(e.json())).toList());
        }
    }
}
