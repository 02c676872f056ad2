package com.reliableedge.edge.source.opcua;

import java.util.Comparator;

import com.reliableedge.edge.source.SourceEvent;

/**
 * An event of one of a stream's nodes ({@code node} is its position in the stream's node list). Live and history
 * order a stream's events the same way, by index, then node position, then the node's own order (a stable sort),
 * so that both give the same sequence for the same values.
 */
record NodeEvent(int node, SourceEvent event) {

    static final Comparator<NodeEvent> ORDER = Comparator.comparingLong((NodeEvent e) -> e.event().index())
            .thenComparingInt(NodeEvent::node);

    long index() {
        return event.index();
    }
}
