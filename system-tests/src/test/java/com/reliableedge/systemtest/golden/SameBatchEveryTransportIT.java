package com.reliableedge.systemtest.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.edge.upstream.HttpTransport;
import com.reliableedge.edge.upstream.IotHubTransport;
import com.reliableedge.edge.upstream.MqttSettings;
import com.reliableedge.edge.upstream.MqttTransport;
import com.reliableedge.edge.upstream.Transport;
import com.reliableedge.fixtures.AppProcess;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.fixtures.TestPki;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.simulator.SimulatorData;
import com.reliableedge.systemtest.cloud.CloudClient;
import com.reliableedge.systemtest.cloud.PrometheusText;

/**
 * The golden test of issue 11: one sealed batch (the same envelope and gzipped body) sent by the edge's own
 * {@code http}, {@code mqtt} and {@code iothub} transports, each to a fresh packaged cloud on a fresh H2 database
 * (HTTP ingest; MQTT ingest from a plain mosquitto; MQTT ingest from the TLS broker on 127.0.0.1:8883 that the
 * device SDK talks to). The three databases then hold the same stream, batch and event rows, the same
 * {@code messageId} included, apart from row ids and arrival times: the cloud cannot tell the transports apart. The
 * last cloud is then sent the batch again over the other two transports and takes both as duplicates of the row it
 * holds.
 */
class SameBatchEveryTransportIT {

    static final Path ROOT = Path.of(System.getProperty("relay.root", "..")).toAbsolutePath().normalize();
    static final String DEVICE = "golden-site-" + UUID.randomUUID().toString().substring(0, 8);
    static final String STREAM = "golden-line";
    static final Window WINDOW = new Window(1_000, 1_050);

    private final Path work = ROOT.resolve("system-tests/target/system-tests/SameBatchEveryTransportIT-" + Instant
            .now().toString().replace(':', '-'));
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A fresh cloud and the credentials it handed out for the device. */
    record Cloud(AppProcess process, CloudClient api, ConnectionString device, Path database) {
    }

    @Test
    void theCloudRecordsTheSameRowWhicheverTransportCarriedTheBatch() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(work.resolve("pki")));
        Mosquitto plain = closeLater(Mosquitto.builder(work.resolve("mosquitto")).start());
        Mosquitto hub = closeLater(Mosquitto.builder(work.resolve("mosquitto-tls")).port(8883).tls(pki).start());
        byte[] body = BatchBody.gzip(body());
        Envelope envelope = Envelope.of(DEVICE, MessageProperties.live(STREAM, IndexKind.SEQUENCE, WINDOW, 50, 1,
                WINDOW.start()).withContentEncoding(MessageProperties.GZIP));

        Map<String, Map<String, List<Map<String, Object>>>> rows = new LinkedHashMap<>();

        Cloud overHttp = startCloud("http", Map.of());
        Transport httpTransport = closeLater(new HttpTransport(overHttp.process().baseUri(), overHttp.device(),
                Duration.ofSeconds(5), Duration.ofHours(1), Clock.systemUTC()));
        sendUntilAcked(httpTransport, envelope, body);
        rows.put("http", snapshot(overHttp));

        Cloud overMqtt = startCloud("mqtt", Map.of("backfill.ingest.mqtt.url", plain.url(),
                "backfill.ingest.mqtt.client-id", "golden-mqtt"));
        Transport mqttTransport = closeLater(mqtt(plain.url(), overMqtt.device(), null));
        sendUntilAcked(mqttTransport, envelope, body);
        rows.put("mqtt", snapshot(overMqtt));

        Cloud overHub = startCloud("iothub", Map.of("backfill.ingest.mqtt.url", hub.url(),
                "backfill.ingest.mqtt.trust-store", pki.caCertificate().toString(),
                "backfill.ingest.mqtt.client-id", "golden-iothub"));
        Transport hubTransport = closeLater(new IotHubTransport(overHub.device(), IotHubTransport.protocol("MQTT"),
                pki.clientSslContext(), Duration.ofSeconds(10), Envelope.MAX_MESSAGE_BYTES, null));
        sendUntilAcked(hubTransport, envelope, body);
        awaitRecorded(overHub);

        // The same cloud, the same batch again over the other two bindings: both duplicates of the one row.
        Transport httpToHubCloud = closeLater(new HttpTransport(overHub.process().baseUri(), overHub.device(),
                Duration.ofSeconds(5), Duration.ofHours(1), Clock.systemUTC()));
        sendUntilAcked(httpToHubCloud, envelope, body);
        Transport mqttToHubCloud = closeLater(mqtt(hub.url(), overHub.device(), pki.caCertificate()));
        sendUntilAcked(mqttToHubCloud, envelope, body);
        await("the cloud took the resent batch as duplicates").atMost(Duration.ofSeconds(30)).pollInterval(Duration
                .ofMillis(200)).ignoreExceptions().until(
                        () -> PrometheusText.sum(overHub.api().metrics(),
                                "backfill_batches_duplicated_total", "") >= 2);
        rows.put("iothub", snapshot(overHub));

        Map<String, List<Map<String, Object>>> golden = rows.get("http");
        assertThat(golden.get("recorded_batch")).as("batch rows over http").hasSize(1);
        assertThat(golden.get("recorded_batch").get(0).get("MESSAGE_ID")).as("messageId over http").isEqualTo(
                envelope.messageId());
        assertThat(golden.get("stream_event")).as("event rows over http").hasSize(50);
        assertThat(rows.get("mqtt")).as("rows recorded from mqtt against http").isEqualTo(golden);
        assertThat(rows.get("iothub")).as("rows recorded from iothub (then resent over http and mqtt) against http")
                .isEqualTo(golden);
    }

    private static byte[] body() {
        List<byte[]> events = new ArrayList<>();
        for (long i = WINDOW.start(); i < WINDOW.end(); i++) {
            events.add(SimulatorData.eventJson(IndexKind.SEQUENCE, STREAM, i).getBytes(StandardCharsets.UTF_8));
        }
        return BatchBody.join(events);
    }

    /** The edge's MQTT transport; its own client id, since the device SDK holds the device id's session. */
    private static Transport mqtt(String url, ConnectionString device, Path trustStore) {
        MqttSettings settings = MqttSettings.of(url, device.deviceId() + "-mqtt").withTimeout(Duration.ofSeconds(5));
        return new MqttTransport(trustStore == null ? settings : settings.withTrustStore(trustStore), device
                .deviceId());
    }

    private Cloud startCloud(String name, Map<String, String> more) throws IOException, InterruptedException {
        Path dir = work.resolve(name);
        Path database = dir.resolve("cloud-db/cloud-backfill");
        String operatorKey = UUID.randomUUID().toString();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.jdbc.url", h2Url(database));
        config.put("backfill.operator-key", operatorKey);
        config.putAll(more);
        AppProcess process = closeLater(AppProcess.builder("cloud-backfill-" + name, ROOT.resolve(
                "cloud-backfill/target/quarkus-app/quarkus-run.jar")).config(config).jvmFlags(
                        AppProcess.SMALL_FOOTPRINT)
                .log(dir.resolve("cloud-backfill.log")).build());
        process.startAndAwaitReady(Duration.ofSeconds(90));
        CloudClient api = new CloudClient(process.baseUri(), operatorKey);
        ConnectionString device = ConnectionString.parse(api.registerDevice(DEVICE, name.equals("http")
                ? URI.create("http://127.0.0.1:1")
                : null));
        return new Cloud(process, api, device, database);
    }

    private static String h2Url(Path database) {
        return "jdbc:h2:file:" + database + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
    }

    private static void sendUntilAcked(Transport transport, Envelope envelope, byte[] body) {
        // A broker transport may still be connecting: RETRY until it is, as the edge's sender does.
        await("the transport acknowledges").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> transport.send(envelope, body).outcome() == Transport.Outcome.ACKED);
    }

    private static void awaitRecorded(Cloud cloud) {
        await("the cloud recorded the batch").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> cloud.api().events(DEVICE, STREAM, IndexKind.SEQUENCE, Long
                        .toString(WINDOW.start()), Long.toString(WINDOW.end())).size() == 50);
    }

    /**
     * The cloud's rows of the device, without row ids and arrival times. The cloud is stopped first (H2 holds its
     * file): only once the events API serves the batch, so no message is being committed while it stops.
     */
    private static Map<String, List<Map<String, Object>>> snapshot(Cloud cloud) throws Exception {
        awaitRecorded(cloud);
        cloud.process().stop(Duration.ofSeconds(30));
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(h2Url(cloud.database()), "sa", "")) {
            out.put("stream", rows(c, "SELECT device_id, batch_id, index_kind, origin, last_live_end, backlog_from,"
                    + " open_gaps, first_start, last_end FROM stream ORDER BY batch_id"));
            out.put("recorded_batch", rows(c, "SELECT b.message_id, b.batch_kind, b.start_index, b.end_index,"
                    + " b.event_count, b.stored_events, b.request_id, b.seq FROM recorded_batch b ORDER BY"
                    + " b.start_index"));
            out.put("stream_event", rows(c, "SELECT e.idx, e.late, e.payload FROM stream_event e ORDER BY e.idx,"
                    + " e.id"));
            out.put("coverage_interval", rows(c, "SELECT * FROM coverage_interval"));
            out.put("gap", rows(c, "SELECT count(*) AS gaps FROM gap"));
        }
        return out;
    }

    private static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnLabel(i).toUpperCase();
                    if (!column.equals("ID") && !column.endsWith("_AT") && !column.equals("STREAM_ID")) {
                        Object v = r.getObject(i);
                        row.put(column, v instanceof java.sql.Clob clob
                                ? clob.getSubString(1, (int) clob
                                        .length())
                                : v);
                    }
                }
                out.add(row);
            }
        }
        return out;
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        open.add(resource);
        return resource;
    }

    @AfterEach
    void closeAll() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // Closing the rest matters more.
            }
        }
    }
}
