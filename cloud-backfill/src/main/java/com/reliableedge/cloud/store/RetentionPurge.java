package com.reliableedge.cloud.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.ScanDisabled;
import com.reliableedge.cloud.coverage.GapRules;
import com.reliableedge.protocol.coverage.IntervalSet;
import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Retention (PROTOCOL.md section 9), for time-indexed streams: below the floor ({@link GapRules#retentionFloor}, the
 * last live end minus {@code backfill.retention}) payloads and coverage are deleted and gaps, lost windows and requests dropped;
 * recorded message ids are kept for another retention period, so a late resend is still recognised. Ingest
 * discards messages below the floor on its own ({@code IngestService}).
 */
@ApplicationScoped
public class RetentionPurge {

    private final BackfillConfig config;
    private final Clock clock;
    private final StreamStore streams;

    public RetentionPurge(BackfillConfig config, Clock clock, StreamStore streams) {
        this.config = config;
        this.clock = clock;
        this.streams = streams;
    }

    @Scheduled(identity = "retention-purge", every = "${backfill.retention-interval:1h}", delayed = "${backfill.retention-interval:1h}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ScanDisabled.class)
    void scheduledPurge() {
        try {
            int purged = purge();
            if (purged > 0) {
                Log.infof("retention: purged below the floor of %d stream(s)", purged);
            }
        } catch (RuntimeException e) {
            Log.errorf(e, "retention purge failed; the next one retries");
        }
    }

    /** Purges every time stream that holds coverage below its floor; returns how many. */
    public int purge() {
        Duration retention = config.retention();
        // Narrows the candidates in the database (firstStart below the floor, written as SQL can); the floor itself
        // is decided per stream, under its lock, by GapRules.retentionFloor.
        List<Long> ids = QuarkusTransaction.requiringNew().call(() -> StreamEntity.getEntityManager().createQuery(
                "select s.id from StreamEntity s where s.indexKind = :time and s.lastLiveEnd is not null"
                        + " and s.firstStart < s.lastLiveEnd - :retention",
                Long.class)
                .setParameter("time", IndexKind.TIME)
                .setParameter("retention", retention.toMillis())
                .getResultList());
        int purged = 0;
        for (Long id : ids) {
            if (QuarkusTransaction.requiringNew().call(() -> purgeStream(id, retention))) {
                purged++;
            }
        }
        return purged;
    }

    private boolean purgeStream(long streamId, Duration retention) {
        StreamEntity s = streams.lock(streamId);
        long floor = GapRules.retentionFloor(s.indexKind, s.lastLiveEnd, retention);
        if (s.firstStart == null || s.firstStart >= floor) {
            return false;
        }
        Instant now = clock.instant();
        EventEntity.delete("streamId = ?1 and index < ?2", streamId, floor);
        CoverageIntervalEntity.delete("streamId = ?1 and endIndex <= ?2", streamId, floor);
        CoverageIntervalEntity.update("startIndex = ?1 where streamId = ?2 and startIndex < ?1", floor, streamId);
        LostWindowEntity.delete("streamId = ?1 and endIndex <= ?2", streamId, floor);
        BackfillRequestEntity.delete("streamId = ?1 and endIndex <= ?2", streamId, floor);
        // Message ids are kept for another retention period below the floor.
        RecordedBatchEntity.delete("streamId = ?1 and endIndex <= ?2", streamId,
                GapRules.retentionFloor(s.indexKind, floor, retention));
        IntervalSet coverage = streams.coverage(streamId);
        s.firstStart = coverage.span().map(i -> i.start()).orElse(null);
        s.lastEnd = coverage.span().map(i -> i.end()).orElse(null);
        streams.refreshGaps(s, coverage, streams.lost(streamId), floor, now);
        GapEntity.delete("streamId = ?1 and endIndex <= ?2", streamId, floor);
        return true;
    }
}
