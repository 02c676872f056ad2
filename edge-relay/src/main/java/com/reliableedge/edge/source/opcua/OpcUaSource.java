package com.reliableedge.edge.source.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;

import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.LiveUpdate;
import com.reliableedge.edge.source.SourceAdapter;
import com.reliableedge.edge.source.StreamInfo;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import io.quarkus.logging.Log;

/**
 * The OPC UA source ({@code relay.source.kind=opcua}): one subscription with a monitored item per configured node,
 * plus the server's {@code Server_ServerStatus_CurrentTime}, whose samples are the server's clock that moves the
 * watermarks; history by HistoryRead raw ({@link OpcUaHistory}). Every event is indexed by its source timestamp
 * ({@code time} streams). A lost session, a failed subscription transfer, an elapsed watchdog, a notification
 * gap, a server-side queue overflow or a full local queue is a discontinuity: the stream's feed reports
 * {@link LiveUpdate.Lost}, and {@link LiveUpdate.Resumed} once a new subscription brings the server's clock again.
 * The connection is kept by one connector thread: it connects (retrying), and makes a new subscription after each
 * loss.
 */
public final class OpcUaSource implements SourceAdapter, AutoCloseable {

    /** Monitored item queue on the server: values between two publishes per node; past it, an overflow (a loss). */
    private static final int SERVER_QUEUE = 10_000;

    private record Route(LiveFeed feed, int node) {
    }

    private record Stream(StreamInfo info, List<NodeId> nodes, LiveFeed feed) {
    }

    private final OpcUaSettings settings;
    private final Clock clock;
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private final Map<NodeId, List<Route>> routes = new LinkedHashMap<>();
    private final OpcUaClients.Credentials credentials;
    private final CertificateValidator validator;
    private final OpcUaHistory history;
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "opcua-connector");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong generation = new AtomicLong();
    private volatile OpcUaClient client;
    private volatile OpcUaSubscription subscription;
    private volatile boolean closed;
    private volatile boolean stale = true;
    private volatile long ticks;
    private final Object liveLock = new Object();
    private long retryMillis = 250;

    private OpcUaSource(OpcUaSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        for (var e : settings.streams().entrySet()) {
            LiveFeed feed = new LiveFeed(settings.queueCapacity(), settings.watermarkLag().toMillis());
            streams.put(e.getKey(), new Stream(new StreamInfo(e.getKey(), IndexKind.TIME), e.getValue(), feed));
            for (int i = 0; i < e.getValue().size(); i++) {
                routes.computeIfAbsent(e.getValue().get(i), k -> new ArrayList<>()).add(new Route(feed, i));
            }
        }
        this.credentials = OpcUaClients.credentials(settings);
        this.validator = OpcUaClients.validator(settings);
        this.history = new OpcUaHistory(settings, clock);
    }

    /** Checks the settings, then connects in the background (a server that is down is retried, not fatal). */
    public static OpcUaSource start(OpcUaSettings settings, Clock clock) {
        OpcUaSource source = new OpcUaSource(settings, clock);
        source.connector.execute(source::connect);
        return source;
    }

    /** Whether the subscription is up and has brought the server's clock at least once. */
    public boolean live() {
        return subscription != null && ticks > 0;
    }

    @Override
    public List<StreamInfo> streams() {
        return streams.values().stream().map(Stream::info).toList();
    }

    @Override
    public LiveUpdate poll(String streamId, int maxEvents) {
        return require(streamId).feed().poll(Math.max(1, maxEvents));
    }

    @Override
    public HistoryRead read(String streamId, Window window, int maxEvents) {
        Stream s = require(streamId);
        OpcUaClient c = client;
        if (c == null) {
            throw new IllegalStateException("OPC UA server " + settings.endpoint() + " is not connected");
        }
        return history.read(c, s.nodes(), window, maxEvents);
    }

    /** How often a full local queue counted as a loss, over every stream. */
    public long overflows() {
        return streams.values().stream().mapToLong(s -> s.feed().overflows()).sum();
    }

    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        OpcUaClient c = client;
        if (c != null) {
            try {
                c.disconnectAsync().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                Log.debugf("OPC UA disconnect: %s", e.getMessage());
            }
        }
    }

    private Stream require(String streamId) {
        Stream s = streams.get(streamId);
        if (s == null) {
            throw new IllegalArgumentException("unknown stream " + streamId);
        }
        return s;
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            OpcUaClient c = OpcUaClients.connect(settings, credentials, validator);
            c.addSessionActivityListener(new SessionActivityListener() {
                @Override
                public void onSessionActive(UaSession session) {
                    Log.infof("OPC UA session to %s active", settings.endpoint());
                    connector.execute(OpcUaSource.this::subscribeIfStale);
                }

                @Override
                public void onSessionInactive(UaSession session) {
                    lose("the session to " + settings.endpoint() + " is inactive");
                    // Resubscribed once the session is active again.
                    stale = true;
                }
            });
            client = c;
            retryMillis = 250;
            subscribeIfStale();
        } catch (Exception e) {
            Log.warnf("Cannot connect to OPC UA server %s (%s); retrying in %d ms", settings.endpoint(), e
                    .getMessage(), retryMillis);
            connector.schedule(this::connect, retryMillis, TimeUnit.MILLISECONDS);
            retryMillis = Math.min(retryMillis * 2, 5_000);
        }
    }

    /** A loss that needs a new subscription: the feeds are lost now, the connector resubscribes. */
    private void markStale(String why) {
        lose(why);
        stale = true;
        connector.execute(this::subscribeIfStale);
    }

    private void subscribeIfStale() {
        if (stale) {
            subscribe();
        }
    }

    /**
     * Replaces the subscription with a new one (runs on the connector thread, only after a loss: a replacement
     * brings the nodes' current values again, which must not be taken for new ones).
     */
    private void subscribe() {
        stale = false;
        OpcUaClient c = client;
        if (closed || c == null) {
            return;
        }
        long gen = generation.incrementAndGet();
        OpcUaSubscription old = subscription;
        subscription = null;
        if (old != null) {
            old.deleteAsync();
        }
        try {
            double interval = settings.publishingInterval().toMillis();
            OpcUaSubscription sub = new OpcUaSubscription(c, interval);
            sub.setSubscriptionListener(new Listener(gen));
            // The watchdog (1.5 keep-alive intervals without a publish response) is a loss: keep it clear of a
            // busy machine's delays, at least 5 s, however short the publishing interval.
            sub.setTargetKeepAliveInterval(Math.max(5_000.0, 10 * interval));
            sub.create();
            Map<OpcUaMonitoredItem, List<Route>> items = new IdentityHashMap<>();
            // Every value is reported, also one equal to the last (the default trigger drops those).
            DataChangeFilter everyValue = new DataChangeFilter(DataChangeTrigger.StatusValueTimestamp, uint(
                    DeadbandType.None.getValue()), 0.0);
            for (var e : routes.entrySet()) {
                OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(e.getKey());
                item.setSamplingInterval(0.0);
                item.setQueueSize(uint(SERVER_QUEUE));
                item.setDiscardOldest(true);
                item.setFilter(everyValue);
                item.setUserObject(e.getValue());
                items.put(item, e.getValue());
            }
            OpcUaMonitoredItem clockItem = OpcUaMonitoredItem.newDataItem(NodeIds.Server_ServerStatus_CurrentTime);
            clockItem.setSamplingInterval(interval);
            clockItem.setQueueSize(uint(1));
            // Set before the items exist on the server: the first clock samples may come before the check below.
            java.util.concurrent.atomic.AtomicReference<List<LiveFeed>> clockFeeds = new java.util.concurrent.atomic.AtomicReference<>(
                    streams.values().stream().map(Stream::feed).toList());
            clockItem.setUserObject(clockFeeds);
            List<OpcUaMonitoredItem> all = new ArrayList<>(items.keySet());
            all.add(clockItem);
            sub.addMonitoredItems(all);
            try {
                sub.synchronizeMonitoredItems();
            } catch (Exception e) {
                Log.debugf("OPC UA monitored items: %s", e.getMessage());
            }
            Map<LiveFeed, Boolean> healthy = new IdentityHashMap<>();
            streams.values().forEach(s -> healthy.put(s.feed(), true));
            for (var e : items.entrySet()) {
                StatusCode result = e.getKey().getCreateResult().orElse(StatusCode.BAD);
                if (!result.isGood()) {
                    Log.errorf("OPC UA node %s cannot be monitored (%s): its streams stay down", e.getKey()
                            .getReadValueId().getNodeId().toParseableString(), result);
                    e.getValue().forEach(r -> healthy.put(r.feed(), false));
                }
            }
            if (!clockItem.getCreateResult().map(StatusCode::isGood).orElse(false)) {
                throw new IllegalStateException("the server's CurrentTime cannot be monitored: " + clockItem
                        .getCreateResult());
            }
            clockFeeds.set(healthy.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList());
            subscription = sub;
            Log.infof("OPC UA subscription to %s: %d nodes, publishing every %s", settings.endpoint(), items.size(),
                    settings.publishingInterval());
        } catch (Exception e) {
            Log.warnf("Cannot subscribe at OPC UA server %s (%s); retrying", settings.endpoint(), e.getMessage());
            lose("subscribing failed");
            stale = true;
            connector.schedule(this::subscribeIfStale, 1_000, TimeUnit.MILLISECONDS);
        }
    }

    private void lose(String why) {
        if (closed) {
            return;
        }
        Log.warnf("OPC UA live feed lost: %s", why);
        generation.incrementAndGet();
        for (Stream s : streams.values()) {
            s.feed().lose();
        }
    }

    /** Turns one subscription's notifications into feed signals; stale subscriptions are ignored. */
    private final class Listener implements OpcUaSubscription.SubscriptionListener {
        private final long gen;

        Listener(long gen) {
            this.gen = gen;
        }

        private boolean current() {
            return generation.get() == gen && !closed;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onDataReceived(OpcUaSubscription sub, List<OpcUaMonitoredItem> items, List<DataValue> values) {
            if (!current()) {
                return;
            }
            Map<LiveFeed, List<LiveFeed.Signal>> out = new HashMap<>();
            List<LiveFeed> tickFeeds = List.of();
            long tick = Long.MIN_VALUE;
            for (int i = 0; i < items.size(); i++) {
                OpcUaMonitoredItem item = items.get(i);
                DataValue v = values.get(i);
                Object user = item.getUserObject().orElse(null);
                if (NodeIds.Server_ServerStatus_CurrentTime.equals(item.getReadValueId().getNodeId())) {
                    if (user instanceof java.util.concurrent.atomic.AtomicReference<?> feeds && v.value() != null && v
                            .value().value() instanceof DateTime t && t.isValid()) {
                        tickFeeds = (List<LiveFeed>) feeds.get();
                        tick = Math.max(tick, IndexKind.floorToMillis(t.getJavaInstant()));
                    }
                    continue;
                }
                if (v.statusCode() != null && v.statusCode().isOverflowSet()) {
                    // The server's queue for this node overflowed: values were dropped there.
                    markStale("the server's queue of " + item.getReadValueId().getNodeId().toParseableString()
                            + " overflowed");
                    return;
                }
                var index = EventJson.index(v);
                if (index.isEmpty() || !(user instanceof List<?> rs)) {
                    Log.debugf("OPC UA value without a timestamp from %s ignored", item.getReadValueId().getNodeId());
                    continue;
                }
                NodeId node = item.getReadValueId().getNodeId();
                byte[] json = EventJson.json(index.get(), node, v);
                for (Object o : rs) {
                    Route r = (Route) o;
                    out.computeIfAbsent(r.feed(), f -> new ArrayList<>()).add(new LiveFeed.Value(LiveFeed.event(r
                            .node(), index.get(), json)));
                }
            }
            if (tick != Long.MIN_VALUE && !tickFeeds.isEmpty()) {
                // The clock goes last: the values of this notification were stamped before it was sampled.
                for (LiveFeed f : tickFeeds) {
                    out.computeIfAbsent(f, k -> new ArrayList<>()).add(new LiveFeed.Tick(tick));
                }
                synchronized (liveLock) {
                    ticks++;
                    liveLock.notifyAll();
                }
            }
            out.forEach(LiveFeed::offerAll);
        }

        @Override
        public void onNotificationDataLost(OpcUaSubscription sub) {
            if (current()) {
                markStale("notifications were lost (republish failed)");
            }
        }

        @Override
        public void onWatchdogTimerElapsed(OpcUaSubscription sub) {
            if (current()) {
                markStale("no publish response within the keep-alive watchdog");
            }
        }

        @Override
        public void onStatusChanged(OpcUaSubscription sub, StatusCode status) {
            if (current() && status.isBad()) {
                markStale("the subscription's status is " + status);
            }
        }

        @Override
        public void onTransferFailed(OpcUaSubscription sub, StatusCode status) {
            if (current()) {
                markStale("the subscription could not be transferred to the new session (" + status + ")");
            }
        }
    }

    /** For tests: waits until {@link #live()} or the timeout. */
    public boolean awaitLive(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (liveLock) {
            while (!live()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // Woken by the next clock tick; the bound re-checks a subscription set without one.
                liveLock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
            }
        }
        return true;
    }
}
