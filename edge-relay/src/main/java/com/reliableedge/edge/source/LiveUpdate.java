package com.reliableedge.edge.source;

import java.util.List;

/**
 * What one poll of a stream's live feed brought.
 * <ul>
 * <li>{@link Data}: events (in any order; usually index order) and the watermark {@code W}: every event with index
 * {@code < W} has now been delivered. Watermarks never move backwards.</li>
 * <li>{@link Lost}: the feed is gone; nothing is vouched for past the last reported watermark.</li>
 * <li>{@link Resumed}: the feed (re)starts; the adapter vouches for every event at or after {@code from} from now
 * on. The first poll of a feed is always a {@code Resumed}.</li>
 * </ul>
 */
public sealed interface LiveUpdate {

    record Data(List<SourceEvent> events, long watermark) implements LiveUpdate {
        public Data {
            events = List.copyOf(events);
        }
    }

    record Lost() implements LiveUpdate {
    }

    record Resumed(long from) implements LiveUpdate {
    }
}
