package com.reliableedge.cloud.invoker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;

/**
 * The contract of {@link MethodInvoker}, run against every implementation: each subclass makes an invoker that
 * reaches the {@link FakeEdge} given to it (directly, or through its broker or hub stand-in).
 */
public abstract class MethodInvokerContractTest {

    protected static final String HOST = "127.0.0.1";
    protected static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef"
            .getBytes());

    protected FakeEdge edge;

    /** An invoker whose response timeout is at most two seconds. */
    protected abstract MethodInvoker invoker();

    /** The target that reaches {@link #edge} as device {@code deviceId}. */
    protected abstract MethodTarget target(String deviceId);

    @BeforeEach
    void startEdge() {
        edge = new FakeEdge();
    }

    @AfterEach
    void stopEdge() {
        edge.close();
    }

    private static BackfillRequest request(String id) {
        return BackfillRequest.of(id, "dev-1", "line-1", IndexKind.SEQUENCE, new Window(10, 20), 2);
    }

    /**
     * Checks that {@code call} came authenticated as the binding authenticates method calls. HTTP (this default): the
     * edge's endpoint got a SAS token signed with the device's key. A broker or hub authenticates the cloud itself,
     * and a binding over one checks that instead.
     */
    protected void assertAuthenticated(FakeEdge.Call call) {
        assertThat(SasToken.verify(call.authorization(), SasToken.deviceResource(HOST, "dev-1"), KEY, Instant.now()))
                .isEqualTo(SasToken.Verdict.VALID);
    }

    @Test
    void theRequestArrivesAsSentAndAuthenticated() {
        MethodResult result = invoker().invoke(target("dev-1"), request("r-1"));
        assertThat(result.accepted()).isTrue();
        assertThat(result.response().requestId()).isEqualTo("r-1");
        assertThat(edge.calls()).hasSize(1);
        assertThat(edge.calls().get(0).request()).isEqualTo(request("r-1"));
        assertAuthenticated(edge.calls().get(0));
    }

    @Test
    void everyStatusOfTheProtocolComesBackAsAnswered() {
        for (BackfillResponse.Result r : BackfillResponse.Result.values()) {
            edge.answerAll(r);
            MethodResult result = invoker().invoke(target("dev-1"), request("r-" + r.status()));
            assertThat(result.answered()).isTrue();
            assertThat(result.status()).isEqualTo(r.status());
            assertThat(result.response().result()).isEqualTo(r);
        }
        edge.answerAll(BackfillResponse.Result.REJECTED);
        assertThat(invoker().invoke(target("dev-1"), request("x")).refused()).isTrue();
        edge.answerAll(BackfillResponse.Result.UNKNOWN_STREAM);
        assertThat(invoker().invoke(target("dev-1"), request("y")).refused()).isTrue();
    }

    @Test
    void anEdgeThatNeverAnswersIsNoAnswerWithinTheTimeout() {
        edge.answer(r -> FakeEdge.Answer.hang());
        long start = System.nanoTime();
        MethodResult result = invoker().invoke(target("dev-1"), request("r-2"));
        assertThat(result.answered()).isFalse();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void anUnreachableEdgeIsNoAnswer() {
        edge.close();
        MethodResult result = invoker().invoke(target("dev-1"), request("r-3"));
        assertThat(result.answered()).isFalse();
        assertThat(result.detail()).isNotBlank();
    }

    @Test
    void anUnreadablePayloadStillCarriesTheStatus() {
        edge.answer(r -> new FakeEdge.Answer(202, "not json".getBytes()));
        MethodResult result = invoker().invoke(target("dev-1"), request("r-4"));
        assertThat(result.accepted()).isTrue();
        assertThat(result.response()).isNull();
    }
}
