package com.reliableedge.bench.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryData;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadResult;
import org.eclipse.milo.opcua.stack.core.types.structured.HistoryReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadRawModifiedDetails;

import com.reliableedge.edge.source.HistoryRead;
import com.reliableedge.edge.source.opcua.OpcUaSettings;
import com.reliableedge.edge.source.opcua.OpcUaSource;
import com.reliableedge.fixtures.OpcUaTestServer;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

/**
 * The OPC UA adapter's history-read rate: an in-process {@link OpcUaTestServer} holding {@code values} values of one
 * node, 10 ms apart, all read through {@link OpcUaSource#read} page by page (each page a HistoryRead raw of at most
 * page size + 1 values, as the edge's backfill reads), against the same values read with Milo's client alone
 * (HistoryRead raw with the same page size, continuation points followed, values decoded, no events built) in the
 * same JVM, alternating. Prints each run and the medians.
 * <p>
 * Arguments: {@code values runs pageSize...}, e.g. {@code 200000 5 20000 100000}.
 */
public final class OpcUaHistoryReadDriver {

    private static final long SPACING_MS = 10;

    public static void main(String[] args) throws Exception {
        int values = Integer.parseInt(args[0]);
        int runs = Integer.parseInt(args[1]);
        List<Integer> pages = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            pages.add(Integer.parseInt(args[i]));
        }
        // The server answers a whole page per call: the page size is the client's.
        try (OpcUaTestServer server = OpcUaTestServer.builder().nodes("a").period(Duration.ZERO).maxValuesPerRead(
                Integer.MAX_VALUE).start()) {
            long t0 = System.currentTimeMillis() - values * SPACING_MS - 60_000;
            t0 -= t0 % 1000;
            for (int i = 0; i < values; i++) {
                server.write("a", i, t0 + i * SPACING_MS);
            }
            Window all = new Window(t0, t0 + values * SPACING_MS);
            String node = server.nodeId("a");
            OpcUaSettings settings = new OpcUaSettings(server.endpointUrl(), OpcUaSettings.Policy.None,
                    OpcUaSettings.Mode.None, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    false, Optional.empty(), true, Duration.ofMillis(100), Duration.ofMillis(500), 100_000, Optional
                            .empty(),
                    Duration.ofSeconds(60), Map.of("s", List.of(NodeId.parse(node))));
            OpcUaClient raw = connect(server.endpointUrl());
            try (OpcUaSource adapter = OpcUaSource.start(settings, Clock.systemUTC())) {
                if (!adapter.awaitLive(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the adapter did not connect to " + server.endpointUrl());
                }
                System.out.printf("%,d values of one node over %s; %d runs per page size (after one warm-up)%n",
                        values, all.toString(IndexKind.TIME), runs);
                for (int page : pages) {
                    // Warm-up: one of each.
                    viaAdapter(adapter, all, page, values);
                    viaMilo(raw, node, all, page, values);
                    List<Double> a = new ArrayList<>();
                    List<Double> m = new ArrayList<>();
                    for (int r = 0; r < runs; r++) {
                        a.add(viaAdapter(adapter, all, page, values));
                        m.add(viaMilo(raw, node, all, page, values));
                        System.out.printf("page %,d run %d: adapter %,.0f events/s, Milo alone %,.0f values/s%n",
                                page, r + 1, a.get(r), m.get(r));
                    }
                    double ma = median(a);
                    double mm = median(m);
                    System.out.printf("page %,d: median adapter %,.0f events/s, Milo alone %,.0f values/s,"
                            + " ratio %.2f%n", page, ma, mm, ma / mm);
                }
            } finally {
                raw.disconnect();
            }
        }
    }

    /** Events per second read through the adapter, page by page as the edge's backfill reads. */
    private static double viaAdapter(OpcUaSource adapter, Window all, int page, int expected) {
        long start = System.nanoTime();
        long from = all.start();
        long n = 0;
        while (from < all.end()) {
            HistoryRead r = adapter.read("s", new Window(from, all.end()), page);
            n += r.events().size();
            from = r.readTo();
        }
        return rate(n, expected, start);
    }

    /** Values per second of HistoryRead raw with Milo's client alone, same page size. */
    private static double viaMilo(OpcUaClient client, String nodeId, Window all, int page, int expected)
            throws Exception {
        long start = System.nanoTime();
        ReadRawModifiedDetails details = new ReadRawModifiedDetails(false, new DateTime(Instant.ofEpochMilli(all
                .start())), new DateTime(Instant.ofEpochMilli(all.end())), uint(page), false);
        NodeId node = NodeId.parse(nodeId);
        long n = 0;
        ByteString cp = null;
        do {
            HistoryReadResult r = client.historyRead(details, TimestampsToReturn.Both, false, List.of(
                    new HistoryReadValueId(node, null, null, cp))).getResults()[0];
            DataValue[] v = ((HistoryData) r.getHistoryData().decode(client.getStaticEncodingContext()))
                    .getDataValues();
            n += v == null ? 0 : v.length;
            cp = r.getContinuationPoint();
        } while (cp != null && !cp.isNullOrEmpty());
        return rate(n, expected, start);
    }

    private static double rate(long n, int expected, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (n != expected) {
            throw new IllegalStateException("read " + n + " values, the server holds " + expected);
        }
        return n / seconds;
    }

    private static OpcUaClient connect(String url) throws Exception {
        OpcUaClient c = OpcUaClient.create(url, endpoints -> endpoints.stream().filter(e -> SecurityPolicy.None
                .getUri().equals(e.getSecurityPolicyUri())).findFirst(), t -> {
                }, b -> b.setApplicationUri("urn:reliableedge:bench"));
        c.connect();
        return c;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int k = s.size();
        return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
    }

    private OpcUaHistoryReadDriver() {
    }
}
