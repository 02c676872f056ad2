package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.azure.messaging.eventhubs.EventData;
import com.reliableedge.cloud.ingest.EventHubsEvents.Ingestible;
import com.reliableedge.cloud.ingest.EventHubsEvents.Skip;
import com.reliableedge.cloud.ingest.EventHubsEvents.SkipReason;
import com.reliableedge.cloud.testing.IotHubEvents;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;

/** The mapping of an event of IoT Hub's built-in endpoint, on events made by the SDK's own receive path. */
class EventHubsEventsTest {

    private static final byte[] BODY = "[{\"index\":\"0\",\"value\":1}]".getBytes(StandardCharsets.UTF_8);
    private static final Envelope LIVE = Envelope.of("site-7", MessageProperties.live("line-1", IndexKind.SEQUENCE,
            new Window(0, 10), 1, 3, 0));

    @Test
    void aDeviceMessageAsTheHubDeliversItIsIngestibleWithItsDeviceEnvelopeAndBody() {
        EventData event = IotHubEvents.delivered("site-7", LIVE, BODY, 42);

        // Where the SDK puts what the hub stamps: annotations and AMQP properties are its system properties.
        assertThat(event.getSystemProperties()).containsEntry("iothub-connection-device-id", "site-7")
                .containsEntry("message-id", LIVE.messageId()).containsEntry("content-type", "application/json");
        assertThat(event.getProperties()).containsEntry("batchId", "line-1").doesNotContainKey(
                "iothub-connection-device-id");
        assertThat(event.getMessageId()).isEqualTo(LIVE.messageId());
        assertThat(event.getSequenceNumber()).isEqualTo(42);

        assertThat(EventHubsEvents.map(event)).isInstanceOfSatisfying(Ingestible.class, m -> {
            assertThat(m.deviceId()).isEqualTo("site-7");
            assertThat(m.envelope()).isEqualTo(LIVE);
            assertThat(m.body()).isEqualTo(BODY);
        });
    }

    @Test
    void aGzippedBatchKeepsItsContentEncodingAndItsBodyAsSent() {
        Envelope gz = Envelope.of("site-7", LIVE.properties().withContentEncoding("gzip"));
        byte[] zipped = BatchBody.gzip(BODY);
        assertThat(EventHubsEvents.map(IotHubEvents.delivered("site-7", gz, zipped, 1)))
                .isInstanceOfSatisfying(Ingestible.class, m -> {
                    assertThat(m.envelope().properties().contentEncoding()).isEqualTo("gzip");
                    assertThat(m.body()).isEqualTo(zipped);
                });
    }

    @Test
    void theDeviceComesFromTheHubsAnnotationNeverFromAnApplicationProperty() {
        EventData event = IotHubEvents.message(1).device("site-7").envelope(LIVE).body(BODY)
                .property("iothub-connection-device-id", "someone-else").delivered();
        assertThat(EventHubsEvents.map(event)).isInstanceOfSatisfying(Ingestible.class, m -> assertThat(m
                .deviceId()).isEqualTo("site-7"));

        EventData unsigned = IotHubEvents.message(2).envelope(LIVE).body(BODY)
                .property("iothub-connection-device-id", "site-7").delivered();
        assertThat(EventHubsEvents.map(unsigned)).isEqualTo(new Skip(SkipReason.NO_DEVICE, null,
                "iothub-connection-device-id is required"));
    }

    @Test
    void aDeviceIdOutsideTheProtocolsAlphabetIsSkipped() {
        EventData event = IotHubEvents.message(1).device("site 7/x").envelope(LIVE).body(BODY).delivered();
        assertThat(EventHubsEvents.map(event)).isInstanceOfSatisfying(Skip.class, s -> {
            assertThat(s.reason()).isEqualTo(SkipReason.NO_DEVICE);
            assertThat(s.error()).contains("iothub-connection-device-id", "site 7/x");
        });
    }

    @Test
    void hubEventsRoutedToTheEndpointAreNotTelemetryAndAreSkipped() {
        EventData twin = IotHubEvents.message(1).device("site-7").annotation("iothub-message-source",
                "twinChangeEvents").body("{}".getBytes(StandardCharsets.UTF_8)).delivered();
        assertThat(EventHubsEvents.map(twin)).isEqualTo(new Skip(SkipReason.NOT_TELEMETRY, "site-7",
                "iothub-message-source 'twinChangeEvents' is not Telemetry"));
    }

    @Test
    void malformedMessagesAreSkippedNamingTheFieldAndTheValue() {
        assertMalformed(IotHubEvents.message(1).device("d").envelope(LIVE).messageId(null).body(BODY),
                "message-id is required");
        assertMalformed(IotHubEvents.message(1).device("d").envelope(LIVE).messageId(UUID.fromString(
                "6f1c0000-0000-0000-0000-000000000001")).body(BODY),
                "messageId '6f1c0000-0000-0000-0000-000000000001'");
        assertMalformed(IotHubEvents.message(1).device("d").envelope(LIVE).contentType(null).body(BODY),
                "content-type is required");
        assertMalformed(IotHubEvents.message(1).device("d").envelope(LIVE).contentType("text/plain").body(BODY),
                "content-type 'text/plain' must be application/json");
        assertMalformed(IotHubEvents.message(1).device("d").envelope(LIVE).contentEncoding("utf-8").body(BODY),
                "contentEncoding 'utf-8' must be 'gzip' or absent");
        assertMalformed(IotHubEvents.message(1).device("d").envelope(LIVE).property("protocolVersion", null)
                .body(BODY), "protocolVersion is required");
        assertMalformed(IotHubEvents.message(1).device("d").envelope(LIVE).property("eventCount", 1L).body(BODY),
                "eventCount '1' must be a string (is Long)");
    }

    @Test
    void anAmqpValueBodyReachesTheMappingEmptyAsTheSdkDropsItAndIsLeftToTheIngestPathToRefuse() {
        // azure-core-amqp's MessageUtils keeps only data sections; an empty body is then no JSON array (a refusal).
        assertThat(EventHubsEvents.map(IotHubEvents.message(1).device("d").envelope(LIVE).valueBody("[]")
                .delivered())).isInstanceOfSatisfying(Ingestible.class, m -> assertThat(m.body()).isEmpty());
    }

    @Test
    void aContentTypeWithACharsetIsJson() {
        EventData event = IotHubEvents.message(1).device("site-7").envelope(LIVE).contentType(
                "application/json; charset=utf-8").body(BODY).delivered();
        assertThat(EventHubsEvents.map(event)).isInstanceOf(Ingestible.class);
    }

    private static void assertMalformed(IotHubEvents.Builder message, String error) {
        assertThat(EventHubsEvents.map(message.delivered())).isInstanceOfSatisfying(Skip.class, s -> {
            assertThat(s.reason()).isEqualTo(SkipReason.MALFORMED);
            assertThat(s.deviceId()).isEqualTo("d");
            assertThat(s.error()).contains(error);
        });
    }
}
