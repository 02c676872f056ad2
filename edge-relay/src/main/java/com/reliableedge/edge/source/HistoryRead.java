package com.reliableedge.edge.source;

import java.util.List;

/**
 * The answer to a history read of {@code [start, end)}: every event the source holds in
 * {@code [max(start, availableFrom), readTo)}, in index order. The part below {@code availableFrom} is beyond the
 * source's history horizon: it no longer holds it. {@code readTo} is {@code end} unless the read stopped early at
 * its event limit, always after {@code start}, and always on an index boundary.
 */
public record HistoryRead(List<SourceEvent> events, long availableFrom, long readTo) {

    public HistoryRead {
        events = List.copyOf(events);
    }
}
