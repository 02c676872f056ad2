package com.reliableedge.edge.buffer;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import com.reliableedge.protocol.message.MessageClass;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * The lanes a message is stored in and the order they are sent in. Stored lanes: live, late, backfill, and
 * {@code backfillStatus}. Sent in three tiers: live and late messages sealed at or after the live boundary, then older
 * live and late ones (the backlog), then backfill batches and status messages together; within a tier in seal order.
 * Pure functions; {@link MessageTable} runs each tier as one indexed query, held to {@link #select} by a property
 * test.
 */
final class LanePolicy {

    static final int LANE_LIVE = 0;
    static final int LANE_LATE = 1;
    static final int LANE_BACKFILL = 2;
    static final int LANE_STATUS = 3;

    /** The lanes of held batches (live or backfill, not late, not status): what backfill can re-serve from. */
    static final String HELD_LANES_SQL = "lane IN (" + LANE_LIVE + ", " + LANE_BACKFILL + ")";

    /** The send tiers, in the order they are served. */
    enum Tier {
        LIVE("lane <= " + LANE_LATE + " AND sealed_at >= ?", true), BACKLOG(
                "lane <= " + LANE_LATE + " AND sealed_at < ?", true), BACKFILL("lane >= " + LANE_BACKFILL, false);

        /** The tier as a condition on {@code message}; binds the live boundary when {@link #bindsLiveSince}. */
        final String sql;
        final boolean bindsLiveSince;

        Tier(String sql, boolean bindsLiveSince) {
            this.sql = sql;
            this.bindsLiveSince = bindsLiveSince;
        }
    }

    /** A queued message as the lanes see it. */
    record Queued(long id, int lane, long sealedAtMillis) {
    }

    private LanePolicy() {
    }

    /** The stored lane of a message: status first, then backfill, then late or live. */
    static int laneOf(MessageProperties p) {
        return switch (MessageClass.of(p)) {
            case LIVE -> LANE_LIVE;
            case LATE -> LANE_LATE;
            case BACKFILL -> LANE_BACKFILL;
            case STATUS -> LANE_STATUS;
        };
    }

    static boolean held(int lane) {
        return lane == LANE_LIVE || lane == LANE_BACKFILL;
    }

    /** The tier a stored message is sent in. */
    static Tier tierOf(int lane, long sealedAtMillis, long liveSinceMillis) {
        if (lane >= LANE_BACKFILL) {
            return Tier.BACKFILL;
        }
        return sealedAtMillis >= liveSinceMillis ? Tier.LIVE : Tier.BACKLOG;
    }

    /**
     * The next messages to send: up to {@code max}, none of {@code exclude} (in flight), by tier, then in seal order.
     *
     * @param queued every message in the buffer, in any order
     */
    static List<Queued> select(int max, Collection<Long> exclude, long liveSinceMillis, Collection<Queued> queued) {
        if (max <= 0) {
            return List.of();
        }
        return queued.stream().filter(q -> !exclude.contains(q.id())).sorted(Comparator.<Queued, Tier>comparing(
                q -> tierOf(q.lane(), q.sealedAtMillis(), liveSinceMillis)).thenComparingLong(Queued::id)).limit(max)
                .toList();
    }
}
