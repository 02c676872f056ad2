package com.reliableedge.cloud.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.SqlDialect;
import com.reliableedge.cloud.health.BackfillMetrics;
import com.reliableedge.cloud.health.ScannerHealth;
import com.reliableedge.cloud.ingest.IngestService;
import com.reliableedge.cloud.ingest.LiveAppendWriter;
import com.reliableedge.cloud.invoker.HttpMethodInvoker;
import com.reliableedge.cloud.queue.JdbcRetryQueue;
import com.reliableedge.cloud.request.RequestDispatcher;
import com.reliableedge.cloud.request.RequestService;
import com.reliableedge.cloud.request.RetryConsumer;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.CoverageIntervalEntity;
import com.reliableedge.cloud.store.DeviceRepository;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.GapRepository;
import com.reliableedge.cloud.store.JdbcBatchStore;
import com.reliableedge.cloud.store.OperatorBackfillRepository;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.RequestState;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.cloud.testing.Consistency;
import com.reliableedge.cloud.testing.Edge;
import com.reliableedge.cloud.testing.FakeEdge;
import com.reliableedge.cloud.testing.PostgresProfile;
import com.reliableedge.cloud.testing.SentRequests;
import com.reliableedge.cloud.testing.ServiceTestBase;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.BatchBody;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Two service instances against one PostgreSQL: instance A is the application under test (HTTP ingest and its
 * beans), instance B a second, independent set of the service objects (its own ingest, request service, dispatcher
 * with its own instance id, retry consumer, queue and invoker) in the same JVM. They share nothing but the database,
 * and both ingest and scan at the same time from several threads. Afterwards no request was sent twice, no two sent
 * windows overlap, and every stream's coverage and events are whole and consistent.
 */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class TwoInstancesTest extends ServiceTestBase {

    private static final IndexKind SEQ = IndexKind.SEQUENCE;
    private static final List<String> STREAMS = List.of("s1", "s2", "s3");

    @Inject
    BackfillConfig config;
    @Inject
    Clock clock;
    @Inject
    EntityManager em;
    @Inject
    IngestService ingestA;
    @Inject
    SessionFactory sessionFactory;

    private GapScanner scannerB;
    private IngestService ingestB;
    private LiveAppendWriter appendsB;

    private void startInstanceB() {
        StreamStore streams = new StreamStore();
        RequestRepository requestRows = new RequestRepository();
        DeviceRepository devices = new DeviceRepository();
        JdbcRetryQueue queue = new JdbcRetryQueue(em, clock, config.queue().name());
        RequestService requests = new RequestService(config, streams, requestRows, queue);
        HttpMethodInvoker invoker = new HttpMethodInvoker(Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofMinutes(5), config.hubHostName(), clock);
        RequestDispatcher dispatcher = new RequestDispatcher(config, clock, invoker, streams, requestRows, devices,
                requests);
        RetryConsumer retries = new RetryConsumer(config, clock, queue, streams, requestRows, requests);
        SimpleMeterRegistry registryB = new SimpleMeterRegistry();
        BackfillMetrics metrics = new BackfillMetrics(registryB);
        scannerB = new GapScanner(config, clock, streams, new GapRepository(), requestRows, devices, requests,
                dispatcher, retries, metrics, new OperatorBackfills(config, streams, new OperatorBackfillRepository(),
                        requestRows, devices, requests),
                new StreamParking(config, streams, registryB),
                new ScannerHealth(config, clock, registryB));
        JdbcBatchStore rowsB = new JdbcBatchStore(em, sessionFactory, SqlDialect.POSTGRESQL);
        appendsB = new LiveAppendWriter(config, clock, metrics, streams, rowsB, SqlDialect.POSTGRESQL);
        appendsB.start();
        ingestB = new IngestService(config, clock, streams, requests, metrics, appendsB, rowsB);
    }

    @AfterEach
    void stopInstanceB() {
        if (appendsB != null) {
            appendsB.stop();
        }
    }

    @Test
    void twoInstancesNeverSendARequestTwiceAndKeepCoverageWhole() throws Exception {
        startInstanceB();
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Edge edge = Edge.register("duo-1", fakeEdge.url());
        ConcurrentLinkedQueue<BackfillRequest> toServe = new ConcurrentLinkedQueue<>();
        List<BackfillRequest> calls = new CopyOnWriteArrayList<>();
        fakeEdge.answer(r -> {
            calls.add(r);
            toServe.add(r);
            return FakeEdge.Answer.of(BackfillResponse.Result.ACCEPTED, r.requestId());
        });
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            long[] seq = new long[STREAMS.size()];
            for (int round = 0; round < 20; round++) {
                List<Callable<Object>> work = new ArrayList<>();
                // Live traffic for each stream, some of it lost on the way (the holes), some sent twice.
                for (int s = 0; s < STREAMS.size(); s++) {
                    for (int b = 0; b < 4; b++) {
                        long start = round * 20L + b * 5L;
                        long number = ++seq[s];
                        if (random.nextInt(100) < 15 && round < 18) {
                            continue;
                        }
                        String stream = STREAMS.get(s);
                        boolean viaA = random.nextBoolean();
                        int copies = random.nextInt(100) < 10 ? 2 : 1;
                        for (int c = 0; c < copies; c++) {
                            work.add(() -> live(edge, stream, start, start + 5, number, viaA));
                        }
                    }
                }
                // The edge serves what it was asked, through either instance.
                for (BackfillRequest r = toServe.poll(); r != null; r = toServe.poll()) {
                    BackfillRequest request = r;
                    boolean viaA = random.nextBoolean();
                    work.add(() -> serve(edge, request, viaA));
                }
                // Both instances scan while all this happens.
                work.add(() -> scan());
                work.add(() -> scannerB.scan());
                work.add(() -> scannerB.scan());
                work.add(() -> scan());
                for (Future<Object> f : pool.invokeAll(work)) {
                    f.get();
                }
                advance(Duration.ofSeconds(10));
            }
            // Quiet down: scans and serving only, until nothing is missing.
            for (int i = 0; i < 30 && !quiet(); i++) {
                List<Callable<Object>> work = new ArrayList<>();
                for (BackfillRequest r = toServe.poll(); r != null; r = toServe.poll()) {
                    BackfillRequest request = r;
                    boolean viaA = random.nextBoolean();
                    work.add(() -> serve(edge, request, viaA));
                }
                work.add(() -> scan());
                work.add(() -> scannerB.scan());
                for (Future<Object> f : pool.invokeAll(work)) {
                    f.get();
                }
                advance(Duration.ofSeconds(10));
            }
        } finally {
            pool.shutdownNow();
        }

        String context = "seed " + seed;
        assertThat(quiet()).as(context + ": quiet at the end").isTrue();
        SentRequests.assertSentOnceWithoutOverlap(calls, SEQ, context);
        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(BackfillRequestEntity.count("state <> ?1", RequestState.COMPLETED)).as(context).isZero();
            // Every stream is covered from its origin to its last live end, in one interval.
            assertThat(CoverageIntervalEntity.count()).as(context).isEqualTo(STREAMS.size());
        });
        Consistency.check(context);
    }

    private boolean quiet() {
        return QuarkusTransaction.requiringNew().call(() -> GapEntity.count("state", GapEntity.State.OPEN) == 0
                && BackfillRequestEntity.count("state in ?1", List.of(RequestState.PENDING,
                        RequestState.REQUESTED)) == 0);
    }

    private Object live(Edge edge, String stream, long start, long end, long seq, boolean viaA) {
        List<byte[]> events = Edge.events(stream, SEQ, start, end);
        MessageProperties p = MessageProperties.live(stream, SEQ, new Window(start, end), events.size(), seq, 0);
        return send(edge, p, BatchBody.join(events), viaA);
    }

    private Object serve(Edge edge, BackfillRequest request, boolean viaA) {
        Window w = request.window(SEQ);
        long mid = w.start() + (w.end() - w.start()) / 2;
        List<Window> parts = mid > w.start()
                ? List.of(new Window(mid, w.end()), new Window(w.start(), mid))
                : List.of(w);
        for (Window part : parts) {
            List<byte[]> events = Edge.events(request.batchId(), SEQ, part.start(), part.end());
            send(edge, MessageProperties.backfill(request.batchId(), SEQ, part, events.size(), request.requestId()),
                    BatchBody.join(events), viaA);
        }
        BackfillStatus status = BackfillStatus.of(request.requestId(), request.batchId(), SEQ, w,
                BackfillStatus.Outcome.COMPLETED, null);
        send(edge, MessageProperties.backfillStatus(request.batchId(), SEQ, w, request.requestId()), status.toJson(),
                !viaA);
        return null;
    }

    private Object send(Edge edge, MessageProperties p, byte[] body, boolean viaA) {
        if (viaA) {
            edge.send(p, body).then().statusCode(200);
            return null;
        }
        Envelope envelope = Envelope.of(edge.deviceId(), p);
        if (p.messageType() == com.reliableedge.protocol.message.MessageType.BATCH) {
            ingestB.ingest(edge.deviceId(), envelope, BatchBody.decode(body, null, SEQ, p.window(), p.eventCount(),
                    1 << 20), null);
        } else {
            ingestB.ingest(edge.deviceId(), envelope, List.of(), BackfillStatus.fromJson(body));
        }
        return null;
    }
}
