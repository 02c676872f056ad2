package com.reliableedge.cloud.invoker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.cloud.testing.MqttDevice;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.protocol.binding.MqttMethodTopics;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

/**
 * The method invoker contract on the {@code mqtt} invoker: a real broker (mosquitto, with users, so anonymous
 * clients are refused) and a Paho device that hands each call to the {@link FakeEdge} and answers on the response
 * topic. The device has no method URL.
 */
class MqttMethodInvokerTest extends MethodInvokerContractTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    static Mosquitto broker;

    private MqttMethodInvoker invoker;
    private MqttDevice device;

    @BeforeAll
    static void startBroker() {
        broker = Mosquitto.builder(dir).user("cloud", "cloud-pw").user("dev-1", "dev-pw").start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void connect() throws Exception {
        invoker = invoker("cloud-pw");
        await().atMost(Duration.ofSeconds(10)).until(invoker::ready);
        device = MqttDevice.plain(broker.url(), "dev-1", "dev-pw", "dev-1", () -> edge.url());
    }

    @AfterEach
    void disconnect() {
        device.close();
        invoker.close();
    }

    private static MqttMethodInvoker invoker(String password) {
        return new MqttMethodInvoker(broker.url(), Optional.of("cloud"), Optional.of(password), Optional.empty(),
                "invoker-" + UUID.randomUUID(), TIMEOUT, TIMEOUT);
    }

    @Override
    protected MethodInvoker invoker() {
        return invoker;
    }

    @Override
    protected MethodTarget target(String deviceId) {
        return new MethodTarget(deviceId, null, KEY);
    }

    /** Over MQTT the broker authenticates the cloud: with a wrong password it never connects, so nothing goes out. */
    @Override
    protected void assertAuthenticated(FakeEdge.Call call) {
        assertThat(call.authorization()).as("no SAS token travels over MQTT").isNull();
        try (MqttMethodInvoker refused = invoker("wrong")) {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !refused.ready());
            assertThat(refused.invoke(target("dev-1"), request("r-refused")).answered()).isFalse();
        }
        assertThat(edge.calls()).hasSize(1);
    }

    private static BackfillRequest request(String id) {
        return BackfillRequest.of(id, "dev-1", "line-1", IndexKind.SEQUENCE, new Window(10, 20), 2);
    }

    @Test
    void concurrentCallsEachGetTheAnswerWithTheirRid() throws Exception {
        BackfillResponse.Result[] results = BackfillResponse.Result.values();
        edge.answer(r -> FakeEdge.Answer.of(results[Integer.parseInt(r.requestId().substring(2)) % results.length],
                r.requestId()));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<MethodResult>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "c-" + i;
                calls.add(CompletableFuture.supplyAsync(() -> invoker.invoke(target("dev-1"), request(id)), pool));
            }
            for (int i = 0; i < calls.size(); i++) {
                MethodResult result = calls.get(i).get();
                assertThat(result.status()).isEqualTo(results[i % results.length].status());
                assertThat(result.response().requestId()).isEqualTo("c-" + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(edge.calls()).hasSize(40);
    }

    @Test
    void anAnswerFromAnotherDeviceOrForAnotherRidIsNotTheAnswer() throws Exception {
        edge.answer(r -> FakeEdge.Answer.hang());
        // A rogue client reads dev-1's calls and answers them as dev-2, and with a rid nobody asked for.
        MqttClient rogue = new MqttClient(broker.url(), "rogue-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("cloud");
        options.setPassword("cloud-pw".toCharArray());
        rogue.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                String rid = MqttMethodTopics.parseRequest(topic).rid();
                byte[] accepted = new BackfillResponse("r-rogue", BackfillResponse.Result.ACCEPTED, null).toJson();
                CompletableFuture.runAsync(() -> {
                    device.publish(MqttMethodTopics.response("dev-2", 202, rid), accepted);
                    device.publish(MqttMethodTopics.response("dev-1", 202, rid + "x"), accepted);
                });
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        rogue.connect(options);
        rogue.subscribe(MqttMethodTopics.requestFilter("dev-1"), 1);
        try {
            MethodResult result = invoker.invoke(target("dev-1"), request("r-rogue"));
            assertThat(result.answered()).isFalse();
        } finally {
            rogue.disconnect();
            rogue.close();
        }
    }

    @Test
    void aBrokerThatIsDownIsNoAnswerAtOnceAndTheInvokerReconnects() throws Exception {
        broker.stop();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !invoker.ready());
            long start = System.nanoTime();
            MethodResult result = invoker.invoke(target("dev-1"), request("r-down"));
            assertThat(result.answered()).isFalse();
            assertThat(result.detail()).contains("not connected");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plus(TIMEOUT));
        } finally {
            broker.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(invoker::ready);
        device.close();
        device = MqttDevice.plain(broker.url(), "dev-1", "dev-pw", "dev-1", () -> edge.url());
        assertThat(invoker.invoke(target("dev-1"), request("r-back")).accepted()).isTrue();
        assertThat(edge.calls()).extracting(c -> c.request().requestId()).containsExactly("r-back");
    }

    @Test
    void aDeviceThatNeverAnswersIsNoAnswerAfterTheResponseTimeout() {
        device.close();
        long start = System.nanoTime();
        MethodResult result = invoker.invoke(target("dev-1"), request("r-silent"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.answered()).isFalse();
        assertThat(result.detail()).contains("no answer");
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50)).isLessThan(TIMEOUT.plus(TIMEOUT));
    }

    @Test
    void aDeviceIdThatCannotBeATopicIsNoAnswer() {
        MethodResult result = invoker.invoke(new MethodTarget("dev/+", null, KEY), request("r-bad"));
        assertThat(result.answered()).isFalse();
    }

    @Test
    void aUrlThatIsNeitherTcpNorSslFailsNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> new MqttMethodInvoker("http://127.0.0.1:1883", Optional.empty(), Optional.empty(),
                Optional.empty(), "x", TIMEOUT, TIMEOUT)).hasMessageContaining("backfill.invoker.mqtt.url")
                .hasMessageContaining("'http://127.0.0.1:1883'");
    }
}
