package com.reliableedge.edge.source.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryData;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRawModifiedDetails;

import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.protocol.index.Window;

/**
 * A stream's history by HistoryRead raw ({@code ReadRawModifiedDetails}) of each of its nodes over
 * {@code [start, end)}, following continuation points, merged by index ({@link HistoryMerge}).
 * <ul>
 * <li>{@code availableFrom} is {@code now - history-horizon} when a horizon is configured, else the start of time:
 * OPC UA has no portable way to tell how far back a server keeps raw values, and an empty answer
 * ({@code GoodNoData}) means "no values there", so without a configured horizon nothing is declared lost.</li>
 * <li>A node that answers {@code BadHistoryOperationUnsupported} makes the whole window unavailable
 * ({@code availableFrom = end}): the stream cannot be told complete without it.</li>
 * <li>Any other bad status throws: the read failed (transient), it did not find the window empty.</li>
 * </ul>
 */
final class OpcUaHistory {

    private final OpcUaSettings settings;
    private final Clock clock;

    OpcUaHistory(OpcUaSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    HistoryRead read(OpcUaClient client, List<NodeId> nodes, Window window, int maxEvents) {
        long availableFrom = settings.historyHorizon().map(h -> clock.millis() - h.toMillis()).orElse(
                Long.MIN_VALUE);
        long start = Math.max(window.start(), availableFrom);
        if (start >= window.end()) {
            return new HistoryRead(List.of(), availableFrom, window.end());
        }
        int max = Math.max(1, maxEvents);
        List<HistoryMerge.NodeValues> per = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            HistoryMerge.NodeValues v = readNode(client, nodes.get(i), i, start, window.end(), max);
            if (v == null) {
                return new HistoryRead(List.of(), window.end(), window.end());
            }
            per.add(v);
        }
        HistoryMerge.Merged merged = HistoryMerge.merge(per, start, window.end(), max);
        return new HistoryRead(merged.events().stream().map(NodeEvent::event).toList(), availableFrom, merged
                .readTo());
    }

    /** The node's values from {@code start}: all of them below {@code end}, or more than {@code max}; null when the node keeps no history. */
    private HistoryMerge.NodeValues readNode(OpcUaClient client, NodeId node, int ordinal, long start, long end,
            int max) {
        ReadRawModifiedDetails details = new ReadRawModifiedDetails(false, time(start), time(end), uint(Math.min(
                (long) max + 1, 0xFFFF_FFFFL)), false);
        List<NodeEvent> events = new ArrayList<>();
        ByteString cp = null;
        while (true) {
            HistoryReadResult r = call(client, details, node, cp, false);
            StatusCode status = r.getStatusCode();
            if (status.value() == StatusCodes.Bad_HistoryOperationUnsupported) {
                return null;
            }
            if (status.isBad() && status.value() != StatusCodes.Bad_NoData) {
                throw new IllegalStateException("HistoryRead of OPC UA node " + node.toParseableString()
                        + " failed: " + status);
            }
            if (r.getHistoryData() != null && !r.getHistoryData().isNull()) {
                HistoryData data = (HistoryData) r.getHistoryData().decode(client.getStaticEncodingContext());
                DataValue[] values = data.getDataValues();
                if (values != null) {
                    for (DataValue v : values) {
                        var index = EventJson.index(v);
                        if (index.isPresent() && index.get() >= start && index.get() < end) {
                            events.add(LiveFeed.event(ordinal, index.get(), EventJson.json(index.get(), node, v)));
                        }
                    }
                }
            }
            cp = r.getContinuationPoint();
            if (cp == null || cp.isNullOrEmpty()) {
                return new HistoryMerge.NodeValues(ordinal, events, false);
            }
            if (events.size() > max && events.get(events.size() - 1).index() > start) {
                // Enough for this read: let the server free what it holds for the rest.
                call(client, details, node, cp, true);
                return new HistoryMerge.NodeValues(ordinal, events, true);
            }
        }
    }

    private HistoryReadResult call(OpcUaClient client, ReadRawModifiedDetails details, NodeId node, ByteString cp,
            boolean release) {
        try {
            HistoryReadResult[] results = client.historyRead(details, TimestampsToReturn.Both, release, List.of(
                    new HistoryReadValueId(node, null, null, cp))).getResults();
            if (results == null || results.length != 1) {
                throw new IllegalStateException("HistoryRead of OPC UA node " + node.toParseableString()
                        + " returned no result");
            }
            return results[0];
        } catch (UaException e) {
            throw new IllegalStateException("HistoryRead of OPC UA node " + node.toParseableString() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static DateTime time(long millis) {
        return new DateTime(Instant.ofEpochMilli(millis));
    }
}
