package com.reliableedge.systemtest.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryData;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRawModifiedDetails;

/**
 * What an OPC UA server recorded, read from the server itself with HistoryRead raw over Milo's client (Security
 * Policy None), following continuation points: the demo's reference when the server runs in another process.
 */
public final class OpcUaHistory implements RecordedValues, AutoCloseable {

    private final OpcUaClient client;

    private OpcUaHistory(OpcUaClient client) {
        this.client = client;
    }

    public static OpcUaHistory connect(String endpointUrl) throws IOException {
        try {
            OpcUaClient c = OpcUaClient.create(endpointUrl,
                    endpoints -> endpoints.stream()
                            .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())).findFirst(),
                    t -> {
                    }, b -> b.setApplicationUri("urn:reliableedge:system-tests"));
            c.connect();
            return new OpcUaHistory(c);
        } catch (UaException e) {
            throw new IOException("cannot connect to " + endpointUrl + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Value> values(String nodeId, long fromMillis, long toMillis) throws IOException {
        List<Value> out = new ArrayList<>();
        ReadRawModifiedDetails details = new ReadRawModifiedDetails(false, new DateTime(Instant.ofEpochMilli(
                fromMillis)), new DateTime(Instant.ofEpochMilli(toMillis)), uint(0), false);
        NodeId node = NodeId.parse(nodeId);
        ByteString cp = null;
        try {
            do {
                HistoryReadResult r = client.historyRead(details, TimestampsToReturn.Source, false, List.of(
                        new HistoryReadValueId(node, null, null, cp))).getResults()[0];
                if (r.getStatusCode().isBad()) {
                    throw new IOException("HistoryRead of " + nodeId + " answered " + r.getStatusCode());
                }
                if (r.getHistoryData() != null && r.getHistoryData().getBody() != null) {
                    DataValue[] values = ((HistoryData) r.getHistoryData().decode(client.getStaticEncodingContext()))
                            .getDataValues();
                    for (DataValue v : values == null ? new DataValue[0] : values) {
                        long t = v.getSourceTime().getJavaTime();
                        if (t >= fromMillis && t < toMillis) {
                            out.add(new Value(t, ((Number) v.getValue().getValue()).doubleValue()));
                        }
                    }
                }
                cp = r.getContinuationPoint();
            } while (cp != null && !cp.isNullOrEmpty());
        } catch (UaException e) {
            throw new IOException("HistoryRead of " + nodeId + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (UaException e) {
            // Closing anyway; the server goes away with the demo.
        }
    }
}
