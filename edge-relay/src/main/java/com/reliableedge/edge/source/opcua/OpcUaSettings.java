package com.reliableedge.edge.source.opcua;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.protocol.index.Identifiers;

/**
 * The OPC UA source's settings, checked: every bad value fails with a message naming its key
 * ({@code relay.source.opcua.*}) and the value.
 */
public record OpcUaSettings(String endpoint, Policy policy, Mode mode, Optional<String> user,
        Optional<String> password, Optional<Path> certificate, Optional<Path> privateKey, boolean certificateIdentity,
        Optional<Path> trustDir, boolean acceptAnyServerCertificate, Duration publishingInterval, Duration watermarkLag,
        int queueCapacity, Optional<Duration> historyHorizon, Duration requestTimeout,
        Map<String, List<NodeId>> streams) {

    static final String PREFIX = "relay.source.opcua.";

    /** The security policies this adapter offers. */
    public enum Policy {
        None, Basic256Sha256
    }

    /** The message security modes this adapter offers. */
    public enum Mode {
        None, Sign, SignAndEncrypt
    }

    public OpcUaSettings {
        // Sorted by batchId: one order for streams(), whatever map the caller built.
        streams = java.util.Collections.unmodifiableMap(new TreeMap<>(streams));
        if (endpoint == null || !endpoint.startsWith("opc.tcp://")) {
            throw bad("endpoint", endpoint, "an opc.tcp:// URL is required");
        }
        if ((policy == Policy.None) != (mode == Mode.None)) {
            throw bad("security-mode", mode, "security-policy " + policy + " needs "
                    + (policy == Policy.None ? "security-mode None" : "security-mode Sign or SignAndEncrypt"));
        }
        if (user.isPresent() != password.isPresent()) {
            throw bad(user.isPresent() ? "password" : "user", "(unset)", "user and password go together");
        }
        if (certificate.isPresent() != privateKey.isPresent()) {
            throw bad(certificate.isPresent() ? "private-key" : "certificate", "(unset)",
                    "certificate and private-key go together");
        }
        for (var key : List.of(Map.entry("certificate", certificate), Map.entry("private-key", privateKey))) {
            if (key.getValue().isPresent() && !Files.isReadable(key.getValue().get())) {
                throw bad(key.getKey(), key.getValue().get(), "not a readable file");
            }
        }
        if (certificateIdentity && certificate.isEmpty()) {
            throw bad("certificate-identity", true, "needs certificate and private-key");
        }
        if (trustDir.isPresent() && !Files.isDirectory(trustDir.get())) {
            throw bad("trust-dir", trustDir.get(), "not a directory");
        }
        if (policy != Policy.None && trustDir.isEmpty() && !acceptAnyServerCertificate) {
            throw bad("trust-dir", "(unset)", "security-policy " + policy
                    + " needs a trust-dir with the server's certificate (or accept-any-server-certificate=true)");
        }
        if (publishingInterval.toMillis() < 1) {
            throw bad("publishing-interval", publishingInterval, "must be at least 1ms");
        }
        if (watermarkLag.isNegative()) {
            throw bad("watermark-lag", watermarkLag, "must not be negative");
        }
        if (queueCapacity < 1) {
            throw bad("queue-capacity", queueCapacity, "must be positive");
        }
        if (historyHorizon.isPresent() && (historyHorizon.get().isNegative() || historyHorizon.get().isZero())) {
            throw bad("history-horizon", historyHorizon.get(), "must be positive");
        }
        if (requestTimeout.toMillis() < 1) {
            throw bad("request-timeout", requestTimeout, "must be at least 1ms");
        }
        if (streams.isEmpty()) {
            throw bad("streams", "(none)", "name at least one stream: streams.<batchId>.nodes=<node id>,...");
        }
    }

    /** Reads and checks the {@code relay.source.opcua} group. */
    public static OpcUaSettings from(RelayConfig.Opcua c) {
        Map<String, List<NodeId>> streams = new TreeMap<>();
        for (var e : c.streams().entrySet()) {
            String key = "streams." + e.getKey() + ".nodes";
            try {
                Identifiers.require("batchId", e.getKey());
            } catch (IllegalArgumentException ex) {
                throw bad("streams." + e.getKey(), e.getKey(), ex.getMessage());
            }
            List<NodeId> nodes = new ArrayList<>();
            for (String n : e.getValue().nodes()) {
                if (n.isBlank()) {
                    continue;
                }
                NodeId id = NodeId.parseOrNull(n.trim());
                if (id == null) {
                    throw bad(key, n, "not an OPC UA node id such as ns=2;s=name or ns=2;i=42");
                }
                nodes.add(id);
            }
            if (nodes.isEmpty()) {
                throw bad(key, "(empty)", "a stream needs at least one node id");
            }
            streams.put(e.getKey(), nodes);
        }
        return new OpcUaSettings(c.endpoint().orElseThrow(() -> bad("endpoint", "(unset)",
                "required with relay.source.kind=opcua")), parse(Policy.class, "security-policy", c
                        .securityPolicy()),
                parse(Mode.class, "security-mode", c.securityMode()), c.user(), c
                        .password(),
                c.certificate(), c.privateKey(), c.certificateIdentity(), c.trustDir(), c
                        .acceptAnyServerCertificate(),
                c.publishingInterval(), c.watermarkLag(), c
                        .queueCapacity(),
                c.historyHorizon(), c.requestTimeout(), streams);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        throw bad(key, value, "use one of " + List.of(type.getEnumConstants()));
    }

    static IllegalArgumentException bad(String key, Object value, String why) {
        return new IllegalArgumentException(PREFIX + key + "='" + value + "': " + why);
    }
}
