package com.reliableedge.cloud.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The cloud backfill service's configuration, under {@code backfill.*}; every key has a default but the key. */
@ConfigMapping(prefix = "backfill")
public interface BackfillConfig {

    /** How long a gap must have been visible before it is requested (PROTOCOL.md section 6). */
    @WithDefault("30s")
    Duration detectionDelay();

    /** How long an accepted request may take before its remainder is re-requested. */
    @WithDefault("3h")
    Duration expiry();

    /** Accepted attempts per window before a request is FAILED. */
    @WithDefault("5")
    int maxAttempts();

    /** How often the gap scanner and the retry consumer run. */
    @WithDefault("10s")
    Duration scanInterval();

    /**
     * {@code service}: a long-running service (ingest, schedulers, HTTP); {@code one-shot}: one scan, drain and send,
     * then exit, for scheduled serverless jobs ({@code oneshot.OneShotJob}). Any other value stops the startup.
     */
    @WithDefault("service")
    BackfillMode mode();

    /** For {@code backfill.mode=one-shot}. */
    OneShot oneShot();

    /** Whether this instance runs the scheduled scan (tests and one-shot jobs drive it themselves). */
    @WithDefault("true")
    boolean scanEnabled();

    /** A stream with no live batch for this long is STALLED; its requests pause. */
    @WithDefault("5m")
    Duration stallAfter();

    /** First delay after an offline or busy edge; it doubles up to {@link #expiry()}. */
    @WithDefault("1m")
    Duration retryBackoff();

    /** Retention of time-indexed streams, counted in index (milliseconds) back from the last live end. */
    @WithDefault("30d")
    Duration retention();

    /** How often payloads, gaps and requests below the retention are deleted. */
    @WithDefault("1h")
    Duration retentionInterval();

    /** The bearer key of the operator API; without it the operator API answers 401 to everyone. */
    Optional<String> operatorKey();

    /** The {@code HostName} of the connection strings handed out, and the host part of the SAS resource. */
    @WithDefault("127.0.0.1")
    String hubHostName();

    /** Largest message accepted: body as sent plus the properties (PROTOCOL.md section 2). */
    @WithDefault("262144")
    int maxMessageBytes();

    /** Most a gzipped body may inflate to. */
    @WithDefault("4194304")
    int maxDecodedBytes();

    /** Most requests sent per scan. */
    @WithDefault("200")
    int dispatchBatchSize();

    /** Most requests the scanner creates per scan; a huge gap is planned over several scans. */
    @WithDefault("1000")
    int maxNewRequestsPerScan();

    /**
     * Most streams one device may have; a message that would create one more is refused (400, field
     * {@code batchId}), so one device cannot fill the database with streams.
     */
    @WithDefault("1000")
    int maxStreamsPerDevice();

    /** The {@code Retry-After} of a 503 answered while the database cannot be written. */
    @WithDefault("5s")
    Duration unavailableRetryAfter();

    MaxBackfillSpan maxBackfillSpan();

    /**
     * Holes wider than this are recorded and shown as needing an operator, not requested automatically: an
     * implausibly wide hole would cost the edge an unbounded history read.
     */
    AutoRequestMaxSpan autoRequestMaxSpan();

    /**
     * Most active (PENDING or REQUESTED) requests the scanner keeps per stream; a wide gap (or an operator's wide
     * request) is planned a few windows at a time, as earlier ones finish.
     */
    @WithDefault("200")
    int maxActiveRequestsPerStream();

    ScanPark scanPark();

    Health health();

    Http http();

    interface Http {
        /**
         * Longest time from a request's headers to the end of its body; a client slower than that is disconnected
         * (0 turns the guard off). The idle timeout catches clients that stop; this one those that trickle.
         */
        @WithDefault("10s")
        Duration bodyTimeout();
    }

    Invoker invoker();

    Queue queue();

    Ingest ingest();

    interface Ingest {
        /**
         * Whether live batches that continue their stream are recorded together, several per transaction (H2 and
         * PostgreSQL). Each is still acknowledged only after its commit.
         */
        @WithDefault("true")
        boolean groupCommit();

        /** Threads writing groups; each group is one transaction. */
        @WithDefault("2")
        int writers();

        /** Most batches in one group. */
        @WithDefault("128")
        int maxGroup();

        /**
         * How long a device's key is kept in memory for checking SAS tokens; 0 reads it for every message. Deleting a
         * device forgets it at once on the instance that deletes it, and after this long on the others.
         */
        @WithDefault("10s")
        Duration deviceKeyCache();

        /**
         * A time window ending more than this ahead of the service's clock is refused (400, field
         * {@code endWindow}); generous, so that an edge whose clock drifts is not punished.
         */
        @WithDefault("1d")
        Duration maxFuture();

        /** MQTT ingest, beside HTTP: on when {@code backfill.ingest.mqtt.url} is set. */
        Mqtt mqtt();

        /** Kafka ingest, beside HTTP: on when {@code backfill.ingest.kafka.bootstrap-servers} is set. */
        Kafka kafka();

        /** IoT Hub's built-in endpoint (AMQP), beside HTTP: on when its connection string is set. */
        EventHubs eventhubs();
    }

    /** The MQTT ingest's broker and session (PROTOCOL.md section 7). */
    interface Mqtt {
        /** {@code tcp://host:port} or {@code ssl://host:port}; unset turns MQTT ingest off. */
        Optional<String> url();

        Optional<String> username();

        Optional<String> password();

        /** A PEM file of CA certificates trusted for {@code ssl://}; unset: the JVM's trust. */
        Optional<String> trustStore();

        /** The client id, which names the persistent session: unique per instance unless a shared group is set. */
        @WithDefault("cloud-backfill")
        String clientId();

        /** Subscribe {@code $share/{group}/devices/+/messages/events/#}, so that instances split the messages. */
        Optional<String> sharedGroup();
    }

    /**
     * The Kafka ingest's cluster, topic and consumer group (also Azure Event Hubs' Kafka endpoint: SASL_SSL, PLAIN,
     * user {@code $ConnectionString}, the namespace's connection string as password).
     */
    interface Kafka {
        /** {@code host:port[,host:port…]}; unset turns Kafka ingest off. */
        Optional<String> bootstrapServers();

        /** The topic device messages arrive on, keyed by device id. */
        @WithDefault("device-messages")
        String topic();

        /** The consumer group: instances of one group split the topic's partitions. */
        @WithDefault("cloud-backfill")
        String groupId();

        /** The Kafka client id; unset: the client's own. */
        Optional<String> clientId();

        /** {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}. */
        @WithDefault("PLAINTEXT")
        String securityProtocol();

        /** For {@code SASL_*}: {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}. */
        @WithDefault("PLAIN")
        String saslMechanism();

        Optional<String> username();

        Optional<String> password();

        /** A PEM file of CA certificates trusted for {@code SSL}/{@code SASL_SSL}; unset: the JVM's trust. */
        Optional<String> trustStore();

        /** Most records one poll returns; they are recorded (side by side across devices) before the next poll. */
        @WithDefault("200")
        int maxPollRecords();

        /** How long one poll waits for records. */
        @WithDefault("1s")
        Duration pollTimeout();

        /** A consumer not heard from for this long leaves the group and its partitions move to the others. */
        @WithDefault("45s")
        Duration sessionTimeout();
    }

    /** The Event Hubs ingest: IoT Hub's built-in (Event Hub-compatible) endpoint, checkpoints in Azure Blob storage. */
    interface EventHubs {
        /**
         * The Event Hub-compatible endpoint's connection string
         * ({@code Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…}); unset turns it off.
         */
        Optional<String> connectionString();

        /** The Event Hub-compatible name; needed when the connection string has no {@code EntityPath}. */
        Optional<String> eventHubName();

        /** The consumer group every instance of the service shares (give the service a group of its own). */
        @WithDefault("$Default")
        String consumerGroup();

        /** The Azure Storage connection string of the checkpoints; required when the ingest is on. */
        Optional<String> checkpointConnectionString();

        /** The Blob container of checkpoints and partition ownership, created when missing. */
        @WithDefault("backfill-checkpoints")
        String checkpointContainer();
    }

    /** Where requests are split (PROTOCOL.md section 6). */
    interface MaxBackfillSpan {
        /** For {@code indexKind=time}. */
        @WithDefault("1h")
        Duration time();

        /** For {@code indexKind=sequence}. */
        @WithDefault("100000")
        long sequence();
    }

    /** Above which width a gap waits for an operator. */
    interface AutoRequestMaxSpan {
        /** For {@code indexKind=time}. */
        @WithDefault("7d")
        Duration time();

        /** For {@code indexKind=sequence}. */
        @WithDefault("10000000")
        long sequence();
    }

    /** A stream whose scan or planning failed is parked: left out of planning until the backoff passed. */
    interface ScanPark {
        /** Park time after the first failure; it doubles with each failure in a row. */
        @WithDefault("1m")
        Duration backoff();

        /** Longest park time. */
        @WithDefault("1h")
        Duration maxBackoff();
    }

    /** What the scanner's health checks call unhealthy. */
    interface Health {
        /** Readiness is DOWN after this many whole scans failed in a row. */
        @WithDefault("3")
        int scanFailures();

        /** Readiness is DOWN when no scan succeeded for this many scan intervals. */
        @WithDefault("6")
        int scanStaleIntervals();

        /** Liveness is DOWN when no scan completed (well or not) for this many scan intervals. */
        @WithDefault("30")
        int scanStuckIntervals();
    }

    interface Invoker {
        /**
         * {@code http}: POST to the device's method URL; {@code mqtt}: publish on a broker and wait for the answer;
         * {@code iothub}: IoT Hub's direct-method API.
         */
        @WithDefault("http")
        String kind();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("15s")
        Duration responseTimeout();

        /** Lifetime of the SAS token signed for each call. */
        @WithDefault("5m")
        Duration tokenTtl();

        /** Method calls in flight at once per instance, so that offline devices do not hold up the others. */
        @WithDefault("8")
        int concurrency();

        InvokerMqtt mqtt();

        InvokerIotHub iothub();
    }

    /** For {@code backfill.invoker.kind=mqtt}. */
    interface InvokerMqtt {
        /** {@code tcp://host:port} or {@code ssl://host:port}; unset: {@code backfill.ingest.mqtt.url}. */
        Optional<String> url();

        Optional<String> username();

        Optional<String> password();

        /** PEM file of the CA certificates trusted for {@code ssl://}; unset: the JVM's trust. */
        Optional<Path> trustStore();

        /** The MQTT client id; each instance needs its own when several run against one broker. */
        @WithDefault("cloud-backfill-invoker")
        String clientId();
    }

    /** For {@code backfill.invoker.kind=iothub}. */
    interface InvokerIotHub {
        /** The hub's service connection string: {@code HostName=…;SharedAccessKeyName=…;SharedAccessKey=…}. */
        Optional<String> connectionString();

        /** PEM file of CA certificates trusted beside the JVM's (for a local stand-in of the hub). */
        Optional<Path> trustStore();

        /**
         * When set, the method is called on this module of each device (edge relays deployed as IoT Edge modules,
         * all under this module name) instead of on the device.
         */
        Optional<String> moduleId();
    }

    /** For {@code backfill.mode=one-shot}. */
    interface OneShot {
        /**
         * How long a run may take from its start to its last answer (scan, drain, sends); at the bound it stops
         * waiting and exits with the requests still unanswered left to the next run.
         */
        @WithDefault("2m")
        Duration maxWait();
    }

    interface Queue {
        /** {@code jdbc} (a table in the service's database) or {@code azure-storage-queue}. */
        @WithDefault("jdbc")
        String kind();

        /** The queue's name (JDBC: the value of its {@code queue_name} column). */
        @WithDefault("backfill-retry")
        String name();

        /** For {@code azure-storage-queue}. */
        Optional<String> connectionString();
    }
}
