package com.reliableedge.systemtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueServiceVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.fixtures.Azurite;
import com.reliableedge.systemtest.harness.RelaySystem;

/**
 * Scenario: the gap-and-backfill flow on the packaged apps with the retry queue in Azure Storage Queues (Azurite,
 * {@code backfill.queue.kind=azure-storage-queue}). The edge's history reads take longer than the cloud's request
 * expiry, so accepted requests expire unanswered and come back from the queue as new attempts. Azurite is stopped
 * mid-run with retry messages in it, while the edge box is replaced (a new hole, whose accepted requests cannot be
 * enqueued: the expiry sweep covers them), and started again on the same port and data once such a request exists. At the end every event is served exactly once, every
 * request is COMPLETED, both queues are empty, and the cloud's readiness, if it went DOWN, said why and came back.
 */
class AzureQueueEndToEndIT extends ScenarioBase {

    private static final String QUEUE = "backfill-retry";

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> downReadiness = new CopyOnWriteArrayList<>();
    private final List<String> downLiveness = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService watcher;
    private Azurite azurite;

    @Test
    void retriesGoThroughTheAzureQueueAcrossARestartOfAzuriteAndEveryEventArrivesOnce() throws Exception {
        RelaySystem.Setup base = setup();
        azurite = Azurite.start(base.work().resolve("azurite"));
        start(base.withCloudConfig(Map.of(
                "backfill.queue.kind", "azure-storage-queue",
                "backfill.queue.connection-string", azurite.connectionString(),
                "backfill.queue.name", QUEUE,
                "backfill.detection-delay", "2s",
                // Shorter than the edge's history reads: the first attempt of each request expires unanswered.
                "backfill.expiry", "3s",
                // Expired attempts are re-requested, not given up: every request must end COMPLETED.
                "backfill.max-attempts", "20",
                "backfill.invoker.connect-timeout", "2s",
                "backfill.invoker.response-timeout", "3s"))
                .withEdgeConfig(Map.of("relay.source.simulator.history-delay", "4s")));
        QueueClient retry = queue(QUEUE);
        QueueClient poison = queue(QUEUE + "-poison");
        watchHealth();

        awaitUntil("data flows", Duration.ofSeconds(30), () -> system.api().streams().size() == 3);
        replaceEdge();

        awaitUntil("an expired request came back from the queue as a second attempt", Duration.ofSeconds(40),
                () -> maxAttempt() >= 2);
        awaitUntil("retry messages wait in the Azure queue", Duration.ofSeconds(20),
                () -> retry.getProperties().getApproximateMessagesCount() > 0);
        int messagesBeforeOutage = retry.getProperties().getApproximateMessagesCount();

        azurite.stop();
        faults++;
        Instant stoppedAt = Instant.now();
        // A new hole while the queue is down: its requests are accepted, but their retry messages cannot be sent.
        replaceEdge();
        awaitUntil("a request accepted while the queue is down", Duration.ofSeconds(30),
                () -> acceptedSince(stoppedAt));
        // Long enough for the after-commit send to use up its tries (about 2 s).
        holdFor(Duration.ofSeconds(3));
        azurite.start();
        faults++;

        assertEverythingArrived(Duration.ofSeconds(60));
        JsonNode all = system.api().backfills(null);
        assertThat(all).as("backfill requests").isNotEmpty();
        for (JsonNode r : all) {
            assertThat(r.path("state").asText()).as("state of %s", r).isEqualTo("COMPLETED");
        }
        int attempts = maxAttempt();
        assertThat(attempts).as("highest attempt: expired requests were re-requested").isGreaterThanOrEqualTo(2);
        // Only the retry consumer deletes retry messages: every one was received and handled.
        awaitUntil("the retry queue is empty", Duration.ofSeconds(45),
                () -> retry.getProperties().getApproximateMessagesCount() == 0);
        assertThat(poison.getProperties().getApproximateMessagesCount()).as("messages in the poison queue").isZero();
        awaitUntil("the cloud is ready", Duration.ofSeconds(10), () -> status("/q/health/ready") == 200);
        assertThat(Files.readString(system.cloud().log())).as("a retry message lost while Azurite was down (see %s)",
                system.cloud().log()).contains("not sent after its commit");
        for (String body : downReadiness) {
            assertThat(reasons(body)).as("a DOWN readiness names its reason: %s", body).isNotEmpty();
        }
        // Under load the scan may not fail three times in a row before Azurite is back, so the check may only say
        // that no scan succeeded lately; it names the gap scanner either way (the retry queue is AzureQueueOutageTest's).
        assertThat(downReadiness).as("readiness while Azurite was down").anySatisfy(body -> assertThat(reasons(
                body)).contains("gap-scanner"));
        System.out.printf("AzureQueueEndToEndIT: %d requests, highest attempt %d, %d retry messages before the"
                + " outage; readiness DOWN %d times while polled (%s); liveness DOWN %d times (%s)%n", all.size(),
                attempts, messagesBeforeOutage, downReadiness.size(), downReadiness.isEmpty()
                        ? "-"
                        : reasons(downReadiness.get(downReadiness.size() - 1)),
                downLiveness.size(), downLiveness.isEmpty() ? "-" : reasons(downLiveness.get(0)));
        assertThat(downLiveness).as("liveness stays UP while the queue is down").isEmpty();
    }

    /** Kills the edge, wipes its data and starts it again a few seconds later: the cloud sees a hole. */
    private void replaceEdge() throws Exception {
        system.edge().kill();
        system.wipeEdgeData();
        faults += 2;
        holdFor(Duration.ofSeconds(2));
        system.edge().startAndAwaitReady(Duration.ofSeconds(60));
    }

    /** Whether a request created after {@code t} is REQUESTED: the edge accepted it since. */
    private boolean acceptedSince(Instant t) throws IOException, InterruptedException {
        for (JsonNode r : system.api().backfills("REQUESTED")) {
            if (Instant.parse(r.path("createdAt").asText()).isAfter(t)) {
                return true;
            }
        }
        return false;
    }

    private int maxAttempt() throws IOException, InterruptedException {
        int max = 0;
        for (JsonNode r : system.api().backfills(null)) {
            max = Math.max(max, r.path("attempt").asInt());
        }
        return max;
    }

    private QueueClient queue(String name) {
        return new QueueClientBuilder().connectionString(azurite.connectionString()).queueName(name)
                .serviceVersion(QueueServiceVersion.V2025_11_05).buildClient();
    }

    /** Polls the cloud's readiness and liveness twice a second and keeps every DOWN answer. */
    private void watchHealth() {
        watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(() -> {
            keepDown("/q/health/ready", downReadiness);
            keepDown("/q/health/live", downLiveness);
        }, 0, 500, TimeUnit.MILLISECONDS);
    }

    private void keepDown(String path, List<String> into) {
        HttpResponse<String> r = system.cloud().get(path);
        if (r != null && r.statusCode() == 503) {
            into.add(r.body());
        }
    }

    private int status(String path) {
        HttpResponse<String> r = system.cloud().get(path);
        return r == null ? -1 : r.statusCode();
    }

    /** The names and reasons of the DOWN checks of a health answer. */
    private String reasons(String body) {
        StringBuilder out = new StringBuilder();
        try {
            for (JsonNode check : json.readTree(body).path("checks")) {
                if ("DOWN".equals(check.path("status").asText()) && check.path("data").hasNonNull("reason")) {
                    out.append(out.isEmpty() ? "" : "; ").append(check.path("name").asText()).append(": ").append(
                            check.path("data").path("reason").asText());
                }
            }
        } catch (IOException e) {
            return "";
        }
        return out.toString();
    }

    @AfterEach
    void stopAzurite() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        stopSystem();
        if (azurite != null) {
            azurite.close();
        }
    }
}
