package com.reliableedge.edge.source;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.reliableedge.edge.config.RelayConfig;
import com.reliableedge.edge.source.opcua.OpcUaSettings;
import com.reliableedge.edge.source.opcua.OpcUaSource;
import com.reliableedge.protocol.index.IndexKind;

/** Builds the configured source adapter ({@code relay.source.kind}). */
@ApplicationScoped
public class SourceProducer {

    @Produces
    @Singleton
    SourceAdapter source(RelayConfig config, Clock clock) {
        String kind = config.source().kind();
        if ("opcua".equals(kind)) {
            return OpcUaSource.start(OpcUaSettings.from(config.source().opcua()), clock);
        }
        if (!"simulator".equals(kind)) {
            throw new IllegalStateException("relay.source.kind '" + kind
                    + "' is not available; use 'simulator' or 'opcua'");
        }
        RelayConfig.Simulator sim = config.source().simulator();
        List<String> sequence = sim.sequenceStreams().orElse(List.of()).stream().map(String::trim).toList();
        List<StreamInfo> streams = new ArrayList<>();
        for (String s : sim.streams()) {
            // A stream named in both lists is sequence-indexed.
            if (!s.isBlank() && !sequence.contains(s.trim())) {
                streams.add(new StreamInfo(s.trim(), IndexKind.TIME));
            }
        }
        for (String s : sequence) {
            if (!s.isBlank()) {
                streams.add(new StreamInfo(s, IndexKind.SEQUENCE));
            }
        }
        return new SimulatorSource(new SimulatorSource.Settings(streams, sim.period().toMillis(), sim.sequenceRate(),
                sim.disconnectEvery().map(d -> d.toMillis()).orElse(0L), sim.disconnectFor().toMillis(), sim
                        .historyHorizon().map(d -> d.toMillis()).orElse(-1L),
                sim.historyDelay(), sim.eventBytes()), clock);
    }

    /** Closes a source that holds connections (the opcua one). */
    void close(@Disposes SourceAdapter source) throws Exception {
        if (source instanceof AutoCloseable c) {
            c.close();
        }
    }
}
