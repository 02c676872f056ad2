package com.reliableedge.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Lanes: live and late messages sealed at or after the live boundary go first, then older live and late ones (the
 * backlog), then backfill batches and status messages together, each tier in seal order, in-flight messages left out,
 * up to the limit; and the store's indexed queries select exactly what {@link LanePolicy#select} does.
 */
class LanePolicyPropertiesTest {

    /** One message to queue: its kind (0 live, 1 late, 2 backfill, 3 status) and its seal time. */
    private static List<LanePolicy.Queued> queued(List<Integer> kinds, List<Long> sealedAt) {
        List<LanePolicy.Queued> out = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            out.add(new LanePolicy.Queued(i + 1, kinds.get(i), sealedAt.get(i % sealedAt.size())));
        }
        return out;
    }

    private static Set<Long> exclude(List<LanePolicy.Queued> queued, List<Boolean> inFlight) {
        Set<Long> out = new HashSet<>();
        for (int i = 0; i < queued.size() && !inFlight.isEmpty(); i++) {
            if (inFlight.get(i % inFlight.size())) {
                out.add(queued.get(i).id());
            }
        }
        return out;
    }

    private static Comparator<LanePolicy.Queued> sendOrder(long liveSince) {
        return Comparator.<LanePolicy.Queued, LanePolicy.Tier>comparing(q -> LanePolicy.tierOf(q.lane(), q
                .sealedAtMillis(), liveSince)).thenComparingLong(LanePolicy.Queued::id);
    }

    @Property
    void liveThenBacklogThenBackfillEachInSealOrderUpToTheLimit(
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 3) Integer> kinds,
            @ForAll @Size(min = 1, max = 5) List<@LongRange(min = 0, max = 100) Long> sealedAt,
            @ForAll @Size(max = 5) List<Boolean> inFlight, @ForAll @IntRange(min = -1, max = 40) int max,
            @ForAll @LongRange(min = 0, max = 101) long liveSince) {
        List<LanePolicy.Queued> queued = queued(kinds, sealedAt);
        Set<Long> exclude = exclude(queued, inFlight);
        List<LanePolicy.Queued> next = LanePolicy.select(max, exclude, liveSince, queued);

        List<LanePolicy.Queued> eligible = queued.stream().filter(q -> !exclude.contains(q.id())).toList();
        assertThat(next).hasSize(Math.max(0, Math.min(max, eligible.size())));
        assertThat(next).noneMatch(q -> exclude.contains(q.id()));
        assertThat(next).isSortedAccordingTo(sendOrder(liveSince));
        // Nothing left out comes before what was chosen.
        for (LanePolicy.Queued left : eligible) {
            if (!next.contains(left)) {
                assertThat(next).allMatch(q -> sendOrder(liveSince).compare(q, left) < 0);
            }
        }
        for (LanePolicy.Queued q : queued) {
            LanePolicy.Tier tier = LanePolicy.tierOf(q.lane(), q.sealedAtMillis(), liveSince);
            if (q.lane() >= LanePolicy.LANE_BACKFILL) {
                assertThat(tier).isEqualTo(LanePolicy.Tier.BACKFILL);
            } else {
                assertThat(tier).isEqualTo(q.sealedAtMillis() >= liveSince
                        ? LanePolicy.Tier.LIVE
                        : LanePolicy.Tier.BACKLOG);
            }
        }
    }

    private static MessageProperties properties(int kind, long start) {
        Window w = new Window(start, start + 10);
        return switch (kind) {
            case 0 -> MessageProperties.live("s", IndexKind.SEQUENCE, w, 1, start / 10 + 1, 0);
            case 1 -> MessageProperties.late("s", IndexKind.SEQUENCE, w, 1, start / 10 + 1);
            case 2 -> MessageProperties.backfill("s", IndexKind.SEQUENCE, w, 1, "r1");
            default -> MessageProperties.backfillStatus("s", IndexKind.SEQUENCE, w, "r1");
        };
    }

    @Property
    void eachMessageHasTheLaneOfItsKind(@ForAll @IntRange(min = 0, max = 3) int kind) {
        assertThat(LanePolicy.laneOf(properties(kind, 0))).isEqualTo(switch (kind) {
            case 0 -> LanePolicy.LANE_LIVE;
            case 1 -> LanePolicy.LANE_LATE;
            case 2 -> LanePolicy.LANE_BACKFILL;
            default -> LanePolicy.LANE_STATUS;
        });
    }

    @Property(tries = 40)
    void theStoresQueriesSelectWhatThePolicySelects(
            @ForAll @Size(min = 1, max = 25) List<@IntRange(min = 0, max = 3) Integer> kinds,
            @ForAll @Size(min = 1, max = 5) List<@LongRange(min = 0, max = 100) Long> sealedAt,
            @ForAll @Size(max = 5) List<Boolean> inFlight, @ForAll @IntRange(min = 0, max = 30) int max,
            @ForAll @LongRange(min = 0, max = 101) long liveSince) throws IOException {
        Path dir = Files.createTempDirectory("lanes");
        try (SqliteBuffer b = new SqliteBuffer(dir.resolve("relay.db"), "site-7", 1L << 30, 0, DropListener.NONE,
                Duration.ofDays(1))) {
            b.addJob(BackfillJob.accepted("r1", "s", IndexKind.SEQUENCE, new Window(0, 1_000), false, 1, 0));
            for (int i = 0; i < kinds.size(); i++) {
                int kind = kinds.get(i);
                long at = sealedAt.get(i % sealedAt.size());
                SealedMessage m = new SealedMessage(properties(kind, i * 10L), ("[" + i + "]").getBytes(
                        StandardCharsets.UTF_8));
                switch (kind) {
                    case 0, 1 ->
                        b.sealLive(List.of(m), new StreamCursor("s", IndexKind.SEQUENCE, i * 10L + 10, i + 1, 0,
                                0), null, at);
                    case 2 -> b.sealBackfill("r1", List.of(m), List.of(), 0, at);
                    default -> b.finishJob("r1", List.of(m), at);
                }
            }
            List<StoredMessage> all = b.nextToSend(Integer.MAX_VALUE, Set.of(), 0);
            assertThat(all).hasSize(kinds.size());
            List<LanePolicy.Queued> queued = all.stream().map(s -> new LanePolicy.Queued(s.id(), LanePolicy.laneOf(s
                    .properties()), s.sealedAtMillis())).toList();
            Set<Long> exclude = exclude(queued, inFlight);
            List<Long> expected = LanePolicy.select(max, exclude, liveSince, queued).stream().map(
                    LanePolicy.Queued::id).toList();
            assertThat(b.nextToSend(max, exclude, liveSince)).extracting(StoredMessage::id).containsExactlyElementsOf(
                    expected);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
