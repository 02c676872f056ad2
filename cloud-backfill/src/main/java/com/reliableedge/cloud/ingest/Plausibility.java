package com.reliableedge.cloud.ingest;

import com.reliableedge.protocol.index.IndexArithmetic;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/** Pure checks of whether a message's window is one a source can have produced by {@code now}. */
final class Plausibility {

    private Plausibility() {
    }

    /**
     * Whether a window ends more than {@code maxFutureMillis} after {@code nowMillis}. Only {@code time} windows can
     * be judged against a clock; a sequence has no "now".
     */
    static boolean endsTooFarAhead(IndexKind kind, Window window, long nowMillis, long maxFutureMillis) {
        if (kind != IndexKind.TIME) {
            return false;
        }
        // Saturating: a huge max-future means "no limit", never an overflow that refuses everything.
        long limit = IndexArithmetic.saturatedAdd(nowMillis, maxFutureMillis);
        return window.end() > limit;
    }
}
