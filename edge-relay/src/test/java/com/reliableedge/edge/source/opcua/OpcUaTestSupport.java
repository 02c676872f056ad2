package com.reliableedge.edge.source.opcua;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

import com.reliableedge.fixtures.OpcUaTestServer;

/** Settings for adapters that talk to an {@link OpcUaTestServer}: fast publishing, a short watermark lag. */
final class OpcUaTestSupport {

    static final Duration PUBLISHING = Duration.ofMillis(20);
    static final Duration LAG = Duration.ofMillis(20);

    private OpcUaTestSupport() {
    }

    /** Streams as {@code batchId -> node names} of the server. */
    static Map<String, List<NodeId>> streams(OpcUaTestServer server, Map<String, List<String>> byName) {
        Map<String, List<NodeId>> out = new LinkedHashMap<>();
        byName.forEach((k, v) -> out.put(k, v.stream().map(n -> NodeId.parse(server.nodeId(n))).toList()));
        return out;
    }

    static OpcUaSettings settings(OpcUaTestServer server, Map<String, List<String>> byName,
            Optional<Duration> horizon) {
        return new OpcUaSettings(server.endpointUrl(), OpcUaSettings.Policy.None, OpcUaSettings.Mode.None, Optional
                .empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty(), false,
                PUBLISHING, LAG, 10_000, horizon, Duration.ofSeconds(5), streams(server, byName));
    }

    static OpcUaSettings secured(OpcUaTestServer server, Map<String, List<String>> byName, Path trustDir,
            String user, String password) {
        return new OpcUaSettings(server.endpointUrl(), OpcUaSettings.Policy.Basic256Sha256,
                OpcUaSettings.Mode.SignAndEncrypt, Optional.of(user), Optional.of(password), Optional.empty(),
                Optional.empty(), false, Optional.of(trustDir), false, PUBLISHING, LAG, 10_000, Optional.empty(),
                Duration.ofSeconds(5), streams(server, byName));
    }
}
