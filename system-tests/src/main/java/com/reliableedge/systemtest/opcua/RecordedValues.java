package com.reliableedge.systemtest.opcua;

import java.io.IOException;
import java.util.List;

/** What an OPC UA server recorded of one node: the values a stream on that node must serve. */
@FunctionalInterface
public interface RecordedValues {

    /** One recorded value: its source timestamp (epoch ms, the stream's time index) and value. */
    record Value(long sourceMillis, double value) {
    }

    /** The node's values with source time in {@code [fromMillis, toMillis)}, in time order. */
    List<Value> values(String nodeId, long fromMillis, long toMillis) throws IOException, InterruptedException;
}
