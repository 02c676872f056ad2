package com.reliableedge.cloud.ingest;

import java.util.Optional;

import com.azure.core.amqp.implementation.ConnectionStringProperties;
import com.reliableedge.cloud.config.BackfillConfig;

/**
 * The Event Hubs ingest's configuration, checked at startup: set but incomplete or malformed fails naming the key
 * (never echoing a connection string, which holds a key).
 */
public record EventHubsSettings(String connectionString, String fullyQualifiedNamespace, String eventHubName,
        String consumerGroup, String checkpointConnectionString, String checkpointContainer) {

    static final String PREFIX = "backfill.ingest.eventhubs.";
    static final String CONNECTION_STRING = PREFIX + "connection-string";
    static final String EVENT_HUB_NAME = PREFIX + "event-hub-name";
    static final String CONSUMER_GROUP = PREFIX + "consumer-group";
    static final String CHECKPOINT_CONNECTION_STRING = PREFIX + "checkpoint-connection-string";
    static final String CHECKPOINT_CONTAINER = PREFIX + "checkpoint-container";

    /** The settings when the ingest is on, empty when it is off. */
    public static Optional<EventHubsSettings> of(BackfillConfig.EventHubs config) {
        Optional<String> cs = config.connectionString().filter(s -> !s.isBlank());
        if (cs.isEmpty()) {
            return Optional.empty();
        }
        ConnectionStringProperties parsed;
        try {
            parsed = new ConnectionStringProperties(cs.get().trim());
        } catch (RuntimeException e) {
            throw new IllegalStateException(CONNECTION_STRING + " is not a valid Event Hubs connection string"
                    + " (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…)");
        }
        String host = parsed.getEndpoint().getHost();
        if (host == null || host.isBlank()) {
            throw new IllegalStateException(CONNECTION_STRING + " has no host in its Endpoint (Endpoint=sb://…)");
        }
        String entityPath = blankToNull(parsed.getEntityPath());
        String name = config.eventHubName().map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        if (name == null && entityPath == null) {
            throw new IllegalStateException(EVENT_HUB_NAME + " is required when " + CONNECTION_STRING
                    + " has no EntityPath");
        }
        if (name != null && entityPath != null && !name.equals(entityPath)) {
            throw new IllegalStateException(EVENT_HUB_NAME + " '" + name + "' differs from the EntityPath '"
                    + entityPath + "' of " + CONNECTION_STRING);
        }
        String group = config.consumerGroup().trim();
        if (group.isEmpty()) {
            throw new IllegalStateException(CONSUMER_GROUP + " must not be empty");
        }
        String checkpoints = config.checkpointConnectionString().filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalStateException(CHECKPOINT_CONNECTION_STRING + " is required when "
                        + CONNECTION_STRING + " is set"));
        String container = config.checkpointContainer();
        EventHubsCheckpoints.invalidContainerName(container).ifPresent(why -> {
            throw new IllegalStateException(CHECKPOINT_CONTAINER + " '" + container + "' " + why);
        });
        return Optional.of(new EventHubsSettings(cs.get().trim(), host, name != null ? name : entityPath, group,
                checkpoints.trim(), container));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        // Never the connection strings: they hold keys.
        return "EventHubsSettings[" + fullyQualifiedNamespace + "/" + eventHubName + ", consumerGroup=" + consumerGroup
                + ", checkpointContainer=" + checkpointContainer + "]";
    }
}
