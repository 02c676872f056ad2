package com.reliableedge.edge.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The edge relay's configuration: every key under {@code relay.}, with its default. */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    /** This installation's device id (PROTOCOL.md section 1); the connection string's DeviceId wins when set. */
    @WithDefault("edge-1")
    String deviceId();

    /** Where the durable buffer lives. */
    @WithDefault("data")
    Path dataDir();

    /** IoT Hub style {@code HostName=…;DeviceId=…;SharedAccessKey=…}: signs upstream requests, checks methods. */
    Optional<String> connectionString();

    /** Monotonic spacing of empty heartbeat batches of a quiet stream (E3). */
    @WithDefault("30s")
    Duration heartbeatInterval();

    Source source();

    Upstream upstream();

    Batch batch();

    Buffer buffer();

    Lanes lanes();

    Sender sender();

    Backfill backfill();

    Health health();

    HttpServer http();

    interface Source {
        /** {@code simulator} (the only adapter shipped so far). */
        @WithDefault("simulator")
        String kind();

        /** The longest wait between two polls of the live feeds; a seal deadline that falls sooner comes first. */
        @WithDefault("20ms")
        Duration pollInterval();

        /** Most events taken from one stream's live feed per poll. */
        @WithDefault("20000")
        int maxEventsPerPoll();

        Simulator simulator();

        /** The OPC UA source ({@code kind=opcua}); see the edge README's "OPC UA source". */
        Opcua opcua();
    }

    interface Opcua {
        /** {@code opc.tcp://host:port/path}; required with {@code kind=opcua}. */
        Optional<String> endpoint();

        /** {@code None} or {@code Basic256Sha256}. */
        @WithDefault("None")
        String securityPolicy();

        /** {@code None}, {@code Sign} or {@code SignAndEncrypt}. */
        @WithDefault("None")
        String securityMode();

        Optional<String> user();

        Optional<String> password();

        /** PEM certificate and PKCS#8 PEM key of this client; without them a self-signed pair is made at start. */
        Optional<Path> certificate();

        Optional<Path> privateKey();

        /** Authenticate as the certificate (X.509 user token) instead of anonymously when no user is set. */
        @WithDefault("false")
        boolean certificateIdentity();

        /** Directory of trusted server certificates (DER or PEM files). */
        Optional<Path> trustDir();

        /** Trust any server certificate (tests, demos only). */
        @WithDefault("false")
        boolean acceptAnyServerCertificate();

        @WithDefault("100ms")
        Duration publishingInterval();

        /** How far the watermark stays behind the server's clock: values stamped later than this are late. */
        @WithDefault("500ms")
        Duration watermarkLag();

        /** Most live values held per stream between two polls; past it the feed counts as lost. */
        @WithDefault("100000")
        int queueCapacity();

        /** How long the server keeps history; older windows are unavailable. Unset: it keeps everything. */
        Optional<Duration> historyHorizon();

        @WithDefault("10s")
        Duration requestTimeout();

        /** {@code streams.<batchId>.nodes=ns=2;s=a,ns=2;s=b}: each stream's node ids. */
        Map<String, OpcuaStream> streams();
    }

    interface OpcuaStream {
        List<String> nodes();
    }

    interface Simulator {
        /** Time-indexed streams. */
        @WithDefault("line-1,line-2")
        List<String> streams();

        /** Sequence-indexed streams. */
        Optional<List<String>> sequenceStreams();

        /** Spacing of a time-indexed stream's events (section 8's periodMs). */
        @WithDefault("100ms")
        Duration period();

        /** Events per second of a sequence-indexed stream: index = floor(epochMillis * rate / 1000). */
        @WithDefault("10")
        long sequenceRate();

        /** When set, the live feed drops for {@link #disconnectFor()} at the start of every such period. */
        Optional<Duration> disconnectEvery();

        @WithDefault("5s")
        Duration disconnectFor();

        /** When set, history older than this (by index, relative to now) is unavailable. */
        Optional<Duration> historyHorizon();

        /** Added to every history read, to simulate a slow source. */
        @WithDefault("0s")
        Duration historyDelay();

        /** Pads each event with a {@code pad} field to this many bytes (load tests); 0 for section 8's plain form. */
        @WithDefault("0")
        int eventBytes();
    }

    interface Upstream {
        /** {@code http} (the default transport), {@code mqtt} or {@code iothub}. */
        @WithDefault("http")
        String kind();

        Http http();

        Mqtt mqtt();

        IotHub iothub();
    }

    /** The MQTT 3.1.1 binding ({@code relay.upstream.kind=mqtt}). */
    interface Mqtt {
        /** The broker, {@code tcp://host:port} or {@code ssl://host:port}; required for kind {@code mqtt}. */
        Optional<URI> url();

        Optional<String> username();

        Optional<String> password();

        /** PEM file of the CA certificates to trust for {@code ssl://}; the JVM's trust when unset. */
        Optional<Path> trustStore();

        /** The MQTT client id (its persistent session); the device id when unset. */
        Optional<String> clientId();

        /** A publish not acknowledged (PUBACK) within this is retried; also the connect timeout. */
        @WithDefault("10s")
        Duration timeout();

        @WithDefault("30s")
        Duration keepAlive();
    }

    /** {@code relay.upstream.kind=iothub}: the Azure IoT device SDK, with {@code relay.connection-string}. */
    interface IotHub {
        /** {@code MQTT}, {@code MQTT_WS}, {@code AMQPS} or {@code AMQPS_WS}. */
        @WithDefault("MQTT")
        String protocol();

        /** A PEM file of CA certificates to trust instead of the JVM's (a local stand-in of the hub). */
        Optional<Path> trustStore();

        /** A send not confirmed by the SDK's callback within this is retried. */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Http {
        /** Base URL of the cloud's ingest endpoint. */
        @WithDefault("http://127.0.0.1:8080")
        URI url();

        @WithDefault("10s")
        Duration timeout();

        /** Lifetime of the SAS tokens the relay signs. */
        @WithDefault("1h")
        Duration tokenTtl();
    }

    interface Batch {
        /** Largest message, body as sent plus every property name and value. */
        @WithDefault("262144")
        int maxBytes();

        /** Most events in one batch. */
        @WithDefault("50000")
        int maxEvents();

        /** Widest window of a time-indexed stream. */
        @WithDefault("1m")
        Duration maxSpan();

        /** Widest window of a sequence-indexed stream, in sequence numbers. */
        @WithDefault("100000")
        long maxSequenceSpan();

        /** How long an event may wait in an open window before the window is sealed. */
        @WithDefault("1s")
        Duration linger();

        /** Gzip bodies (kept only when smaller than the plain body). */
        @WithDefault("false")
        boolean gzip();
    }

    interface Buffer {
        /** Most bytes of sealed messages kept; the oldest are evicted (and counted) past it. */
        @WithDefault("268435456")
        long maxBytes();

        /** Sealed messages older than this are evicted (and counted). */
        @WithDefault("7d")
        Duration maxAge();

        /**
         * Bytes of a ballast file kept beside the store, given up on a full disk so that delivered messages can still
         * be released (and rebuilt once there is room); also bounds the WAL to a quarter of it. 0 keeps none.
         */
        @WithDefault("4194304")
        long reserveBytes();
    }

    interface Lanes {
        /** Live batches sealed within this are sent before older ones (the backlog). */
        @WithDefault("60s")
        Duration liveWindow();
    }

    interface Sender {
        /** Most messages in flight at once. */
        @WithDefault("4")
        int maxInFlight();

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();

        /** Optional budget in messages per second. */
        OptionalDouble maxMessagesPerSecond();

        /** Optional budget in bytes per second. */
        OptionalLong maxBytesPerSecond();
    }

    interface Backfill {
        /** Accepted jobs not yet finished, past which the method answers 503. */
        @WithDefault("16")
        int maxActiveJobs();

        /** Span of one history read of a time-indexed stream. */
        @WithDefault("1m")
        Duration chunkSpan();

        /** Span of one history read of a sequence-indexed stream. */
        @WithDefault("10000")
        long chunkSequenceSpan();

        /**
         * Most bytes of event JSON sealed in one backfill step (one transaction); a larger read is cut on an index
         * boundary and the rest served by the next step, so a step fits on a disk that has just filled up.
         */
        @WithDefault("2097152")
        long maxStepBytes();

        /**
         * Widest window a backfill call may ask for on a time-indexed stream; wider ones are answered 400. Matches
         * the cloud's {@code backfill.auto-request-max-span}.
         */
        @WithDefault("7d")
        Duration maxWindow();

        /** Widest window a backfill call may ask for on a sequence-indexed stream, in sequence numbers. */
        @WithDefault("10000000")
        long maxSequenceWindow();
    }

    interface Health {
        /**
         * Liveness turns DOWN when a loop (ingest, sender, a send in flight) is overdue by more than this, or its
         * thread died.
         */
        @WithDefault("2m")
        Duration stallAfter();
    }

    /** The relay's own HTTP server (the method endpoint, health, metrics). */
    interface HttpServer {
        /**
         * A request not answered within this of its headers has its connection closed (slow clients); see also
         * {@code quarkus.http.idle-timeout} in application.properties.
         */
        @WithDefault("15s")
        Duration requestTimeout();
    }
}
