package com.reliableedge.cloud.invoker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.cloud.testing.MqttDevice;
import com.reliableedge.fixtures.IotHubStandIn;
import com.reliableedge.fixtures.Mosquitto;
import com.reliableedge.fixtures.TestPki;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

/**
 * The method invoker contract on the {@code iothub} invoker: the real service SDK ({@code DirectMethodsClient}) calls
 * the {@link IotHubStandIn} over HTTPS, which forwards over a TLS mosquitto on 127.0.0.1:8883 (the hub's MQTT port) to
 * a Paho device on {@code $iothub/methods/POST/#} that hands the call to the {@link FakeEdge}.
 */
@ResourceLock("127.0.0.1:8883")
class IotHubMethodInvokerTest extends MethodInvokerContractTest {

    private static final String SERVICE_KEY = Base64.getEncoder().encodeToString("service-policy-key-0123456789ab"
            .getBytes());
    private static final Duration CONNECT = Duration.ofSeconds(1);
    private static final Duration RESPONSE = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static TestPki pki;
    static Mosquitto broker;
    static IotHubStandIn hub;

    private IotHubMethodInvoker invoker;
    private MqttDevice device;

    @BeforeAll
    static void startHub() {
        pki = TestPki.create(dir.resolve("pki"));
        broker = Mosquitto.builder(dir.resolve("broker")).port(8883).tls(pki).start();
        hub = IotHubStandIn.start(pki, broker.url());
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static String connectionString(String hostName) {
        return "HostName=" + hostName + ";SharedAccessKeyName=service;SharedAccessKey=" + SERVICE_KEY;
    }

    @BeforeEach
    void connect() throws Exception {
        hub.online("dev-1");
        device = MqttDevice.hub(broker.url(), pki.clientSslContext(), "dev-1", () -> edge.url());
        invoker = new IotHubMethodInvoker(connectionString(hub.hostName()), Optional.of(pki.caCertificate()), CONNECT,
                RESPONSE, Duration.ofMinutes(5), Clock.systemUTC());
    }

    @AfterEach
    void disconnect() {
        device.close();
    }

    @Override
    protected MethodInvoker invoker() {
        return invoker;
    }

    @Override
    protected MethodTarget target(String deviceId) {
        return new MethodTarget(deviceId, null, KEY);
    }

    /** The hub authenticates the cloud: the call reached it signed with the service policy's key. */
    @Override
    protected void assertAuthenticated(FakeEdge.Call call) {
        assertThat(call.authorization()).as("no device SAS token travels through the hub").isNull();
        IotHubStandIn.Call atHub = hub.calls().get(hub.calls().size() - 1);
        assertThat(atHub.deviceId()).isEqualTo("dev-1");
        assertThat(atHub.methodName()).isEqualTo("backfill");
        assertThat(atHub.apiVersion()).isNotBlank();
        assertThat(atHub.connectTimeoutSeconds()).isEqualTo(1);
        assertThat(atHub.responseTimeoutSeconds()).isEqualTo(2);
        assertThat(atHub.authorization()).contains("skn=service");
        assertThat(SasToken.verify(atHub.authorization(), hub.hostName(), SERVICE_KEY, Instant.now())).isEqualTo(
                SasToken.Verdict.VALID);
    }

    private static BackfillRequest request(String id) {
        return BackfillRequest.of(id, "dev-1", "line-1", IndexKind.SEQUENCE, new Window(10, 20), 2);
    }

    @Test
    void aModuleIdCallsTheMethodOnThatModuleOfTheDevice() {
        IotHubMethodInvoker onModule = new IotHubMethodInvoker(connectionString(hub.hostName()), Optional.of(pki
                .caCertificate()), CONNECT, RESPONSE, Duration.ofMinutes(5), Clock.systemUTC(), Optional.of(
                        "edge-relay"));
        MethodResult result = onModule.invoke(target("dev-1"), request("r-module"));
        assertThat(result.answered()).as(result.detail()).isTrue();
        IotHubStandIn.Call atHub = hub.calls().get(hub.calls().size() - 1);
        assertThat(atHub.deviceId()).isEqualTo("dev-1");
        assertThat(atHub.moduleId()).isEqualTo("edge-relay");
        assertThat(atHub.methodName()).isEqualTo("backfill");
    }

    @Test
    void aDeviceNotOnlineIsNoAnswerAfterTheConnectTimeout() {
        hub.offline("dev-1");
        long start = System.nanoTime();
        MethodResult result = invoker.invoke(target("dev-1"), request("r-offline"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.answered()).isFalse();
        assertThat(result.detail()).contains("not online");
        assertThat(took).isGreaterThanOrEqualTo(CONNECT.minusMillis(50)).isLessThan(CONNECT.plus(RESPONSE));
        assertThat(edge.calls()).isEmpty();
    }

    @Test
    void aDeviceThatDoesNotAnswerIsAGatewayTimeoutAndNoAnswer() {
        device.close();
        long start = System.nanoTime();
        MethodResult result = invoker.invoke(target("dev-1"), request("r-silent"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result.answered()).isFalse();
        assertThat(result.detail()).contains("did not answer in time");
        assertThat(took).isGreaterThanOrEqualTo(RESPONSE.minusMillis(50)).isLessThan(CONNECT.plus(RESPONSE).plus(
                CONNECT));
    }

    @Test
    void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
        BackfillResponse.Result[] results = BackfillResponse.Result.values();
        edge.answer(r -> FakeEdge.Answer.of(results[Integer.parseInt(r.requestId().substring(2)) % results.length],
                r.requestId()));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<MethodResult>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
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
    }

    @Test
    void afterTheBrokerRestartsCallsGoThroughAgain() throws Exception {
        broker.restart();
        device.close();
        device = MqttDevice.hub(broker.url(), pki.clientSslContext(), "dev-1", () -> edge.url());
        // The stand-in reconnects on its own and takes its answer subscription again.
        await().atMost(Duration.ofSeconds(60)).until(() -> invoker.invoke(target("dev-1"), request("r-again"))
                .accepted());
        assertThat(edge.calls()).extracting(c -> c.request().requestId()).contains("r-again");
    }

    @Test
    void anUnreachableHubIsNoAnswer() {
        IotHubMethodInvoker nowhere = new IotHubMethodInvoker(connectionString("127.0.0.1:1"), Optional.empty(),
                CONNECT, RESPONSE, Duration.ofMinutes(5), Clock.systemUTC());
        MethodResult result = nowhere.invoke(target("dev-1"), request("r-nowhere"));
        assertThat(result.answered()).isFalse();
        assertThat(result.detail()).contains("transport error");
    }

    @Test
    void aHubConnectionStringWithoutAPortGoesToTheSdkAsItIs() {
        // The production path: the SDK parses the connection string and calls https://127.0.0.1/ (443, nobody there).
        IotHubMethodInvoker sdk = new IotHubMethodInvoker(connectionString("127.0.0.1"), Optional.empty(), CONNECT,
                RESPONSE, Duration.ofMinutes(5), Clock.systemUTC());
        assertThat(sdk.invoke(target("dev-1"), request("r-443")).answered()).isFalse();
    }

    @Test
    void aConnectionStringLackingAPartFailsNamingTheKeyAndThePartButNotTheSecret() {
        assertThatThrownBy(() -> new IotHubMethodInvoker("HostName=hub.example;SharedAccessKey=" + SERVICE_KEY,
                Optional.empty(), CONNECT, RESPONSE, Duration.ofMinutes(5), Clock.systemUTC()))
                .hasMessageContaining("backfill.invoker.iothub.connection-string").hasMessageContaining(
                        "SharedAccessKeyName")
                .hasMessageNotContaining(SERVICE_KEY);
        assertThatThrownBy(() -> new IotHubMethodInvoker(" ", Optional.empty(), CONNECT, RESPONSE, Duration.ofMinutes(
                5), Clock.systemUTC())).hasMessageContaining("backfill.invoker.iothub.connection-string");
    }
}
