package com.reliableedge.systemtest.opcua;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.reliableedge.systemtest.harness.RelaySystem;

/**
 * The edge on an OPC UA source ({@code relay.source.kind=opcua}, keys of edge-relay's README): one time-indexed
 * stream per entry of {@code streams}, each on one node, over the endpoint's SecurityPolicy None. The streams
 * replace the simulator's in the setup, so the system's checks wait for exactly these.
 */
public final class OpcUaSource {

    private OpcUaSource() {
    }

    /**
     * @param endpointUrl {@code opc.tcp://127.0.0.1:PORT/path}
     * @param streams batchId to node id ({@code ns=2;s=line-1}), in order
     */
    public static RelaySystem.Setup opcUa(RelaySystem.Setup setup, String endpointUrl, Map<String, String> streams) {
        Map<String, String> edge = new LinkedHashMap<>(edgeConfig(endpointUrl, streams));
        RelaySystem.Setup s = new RelaySystem.Setup(setup.root(), setup.work(), setup.deviceId(), List.copyOf(streams
                .keySet()), List.of(), setup.period(), setup.cloudApp(), setup.cloudConfig(), setup.edgeConfig(),
                setup.jvmFlags(), setup.transport());
        return s.withEdgeConfig(edge);
    }

    /** The edge's source keys for these streams. */
    public static Map<String, String> edgeConfig(String endpointUrl, Map<String, String> streams) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("relay.source.kind", "opcua");
        c.put("relay.source.opcua.endpoint", endpointUrl);
        c.put("relay.source.opcua.security-policy", "None");
        c.put("relay.source.opcua.security-mode", "None");
        c.put("relay.source.opcua.accept-any-server-certificate", "true");
        streams.forEach((batchId, node) -> c.put("relay.source.opcua.streams.\"" + batchId + "\".nodes", node));
        return c;
    }
}
