package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.config.BackfillConfig;

/** The Event Hubs ingest's configuration: off when unset, and a startup failure naming the key otherwise. */
class EventHubsSettingsTest {

    static final String HUB = "Endpoint=sb://ihsuprodxx000dednamespace.servicebus.windows.net/;"
            + "SharedAccessKeyName=service;SharedAccessKey=c2VjcmV0LWtleS1ub3QtcmVhbA==;EntityPath=iothub-ehub-x-1";
    static final String STORAGE = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;"
            + "EndpointSuffix=core.windows.net";

    record Config(Optional<String> connectionString, Optional<String> eventHubName, String consumerGroup,
            Optional<String> checkpointConnectionString, String checkpointContainer)
            implements
                BackfillConfig.EventHubs {
    }

    static Config config(String cs, String name, String storage) {
        return new Config(Optional.ofNullable(cs), Optional.ofNullable(name), "$Default", Optional.ofNullable(storage),
                "backfill-checkpoints");
    }

    @Test
    void unsetIsOff() {
        assertThat(EventHubsSettings.of(config(null, null, null))).isEmpty();
        assertThat(EventHubsSettings.of(config(" ", null, null))).isEmpty();
    }

    @Test
    void aHubConnectionStringWithItsEntityPathIsEnough() {
        EventHubsSettings s = EventHubsSettings.of(config(HUB, null, STORAGE)).orElseThrow();
        assertThat(s.fullyQualifiedNamespace()).isEqualTo("ihsuprodxx000dednamespace.servicebus.windows.net");
        assertThat(s.eventHubName()).isEqualTo("iothub-ehub-x-1");
        assertThat(s.consumerGroup()).isEqualTo("$Default");
        assertThat(s.toString()).doesNotContain("SharedAccessKey", "AccountKey");
        assertThat(EventHubsSettings.of(config(HUB.replace(";EntityPath=iothub-ehub-x-1", ""), "hub-2", STORAGE))
                .orElseThrow().eventHubName()).isEqualTo("hub-2");
    }

    @Test
    void aMalformedConnectionStringFailsNamingTheKeyWithoutEchoingIt() {
        assertThatThrownBy(() -> EventHubsSettings.of(config("Endpoint=sb://x/;SharedAccessKey=sekrit", null,
                STORAGE))).hasMessageStartingWith("backfill.ingest.eventhubs.connection-string is not a valid")
                .hasMessageNotContaining("sekrit");
        assertThatThrownBy(() -> EventHubsSettings.of(config("not a connection string", null, STORAGE)))
                .hasMessageStartingWith("backfill.ingest.eventhubs.connection-string is not a valid");
    }

    @Test
    void incompleteSettingsFailNamingTheKey() {
        assertThatThrownBy(() -> EventHubsSettings.of(config(HUB.replace(";EntityPath=iothub-ehub-x-1", ""), null,
                STORAGE))).hasMessage("backfill.ingest.eventhubs.event-hub-name is required when"
                        + " backfill.ingest.eventhubs.connection-string has no EntityPath");
        assertThatThrownBy(() -> EventHubsSettings.of(config(HUB, "other", STORAGE))).hasMessage(
                "backfill.ingest.eventhubs.event-hub-name 'other' differs from the EntityPath 'iothub-ehub-x-1' of"
                        + " backfill.ingest.eventhubs.connection-string");
        assertThatThrownBy(() -> EventHubsSettings.of(config(HUB, null, null))).hasMessage(
                "backfill.ingest.eventhubs.checkpoint-connection-string is required when"
                        + " backfill.ingest.eventhubs.connection-string is set");
        assertThatThrownBy(() -> EventHubsSettings.of(new Config(Optional.of(HUB), Optional.empty(), "$Default",
                Optional.of(STORAGE), "Bad_Container"))).hasMessage(
                        "backfill.ingest.eventhubs.checkpoint-container 'Bad_Container' may hold only lower-case"
                                + " letters, digits and hyphens");
        assertThatThrownBy(() -> EventHubsSettings.of(new Config(Optional.of(HUB), Optional.empty(), " ",
                Optional.of(STORAGE), "backfill-checkpoints"))).hasMessage(
                        "backfill.ingest.eventhubs.consumer-group must not be empty");
    }
}
