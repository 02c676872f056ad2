package com.reliableedge.cloud.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.reliableedge.cloud.coverage.GapRules;
import com.reliableedge.cloud.store.CoverageIntervalEntity;
import com.reliableedge.cloud.store.EventEntity;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.LostWindowEntity;
import com.reliableedge.cloud.store.RecordedBatchEntity;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageClass;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Checks that the database is consistent: each stream's coverage rows are merged and equal the union of its recorded
 * live and backfill windows, each covered index of a sequence stream (whose simulator has one event per index) has
 * its event exactly once, lost windows are disjoint, and the open gaps are what the rules compute.
 */
public final class Consistency {

    private Consistency() {
    }

    public static void check(String context) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (StreamEntity s : StreamEntity.<StreamEntity>listAll()) {
                String what = context + ", stream " + s.deviceId + "/" + s.batchId;
                List<CoverageIntervalEntity> rows = CoverageIntervalEntity.list("streamId = ?1 order by startIndex",
                        s.id);
                IntervalSet coverage = new IntervalSet();
                for (int i = 0; i < rows.size(); i++) {
                    coverage.add(rows.get(i).startIndex, rows.get(i).endIndex);
                    if (i > 0) {
                        assertThat(rows.get(i).startIndex).as(what + ": rows merged").isGreaterThan(
                                rows.get(i - 1).endIndex);
                    }
                }
                IntervalSet expected = new IntervalSet();
                for (RecordedBatchEntity b : RecordedBatchEntity.<RecordedBatchEntity>list("streamId", s.id)) {
                    if (b.kind == MessageClass.LIVE || b.kind == MessageClass.BACKFILL) {
                        expected.add(b.startIndex, b.endIndex);
                    }
                }
                assertThat(coverage).as(what + ": coverage").isEqualTo(expected);
                if (s.indexKind == IndexKind.SEQUENCE) {
                    List<EventEntity> events = EventEntity.list("streamId = ?1 and late = false", s.id);
                    long distinct = events.stream().mapToLong(e -> e.index).distinct().count();
                    assertThat(distinct).as(what + ": one event per index").isEqualTo(events.size());
                    long covered = coverage.isEmpty() ? 0 : coverage.coveredLength(Long.MIN_VALUE, Long.MAX_VALUE);
                    assertThat((long) events.size()).as(what + ": every covered index has its event")
                            .isEqualTo(covered);
                    assertThat(events).allSatisfy(e -> assertThat(coverage.contains(e.index)).isTrue());
                }
                IntervalSet lost = new IntervalSet();
                for (LostWindowEntity l : LostWindowEntity.<LostWindowEntity>list("streamId", s.id)) {
                    assertThat(lost.intersects(l.startIndex, l.endIndex)).as(what + ": lost windows disjoint")
                            .isFalse();
                    lost.add(l.startIndex, l.endIndex);
                }
                List<Window> gaps = GapEntity.<GapEntity>list("streamId = ?1 and state = ?2 order by startIndex",
                        s.id, GapEntity.State.OPEN).stream().map(g -> new Window(g.startIndex, g.endIndex)).toList();
                assertThat(gaps).as(what + ": open gaps").isEqualTo(GapRules.gaps(GapRules.bound(s.origin,
                        s.lastLiveEnd, s.backlogFrom, Long.MIN_VALUE), coverage, lost));
                assertThat(s.openGaps).as(what + ": open gap count").isEqualTo(gaps.size());
            }
        });
    }
}
