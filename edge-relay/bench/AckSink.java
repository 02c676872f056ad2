import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * The benchmark's upstream: acknowledges every message with 204 and prints, once a second, messages, events (from
 * iothub-app-eventCount) and body bytes received in that second. Run: java edge-relay/bench/AckSink.java 18080
 */
public class AckSink {

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 18080;
        AtomicLong messages = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                bytes.addAndGet(in.readAllBytes().length);
                String count = exchange.getRequestHeaders().getFirst("iothub-app-eventCount");
                if (count != null) {
                    events.addAndGet(Long.parseLong(count));
                }
                messages.incrementAndGet();
                exchange.sendResponseHeaders(204, -1);
            }
        });
        server.start();
        System.out.println("ack sink on 127.0.0.1:" + port);
        long lastMessages = 0;
        long lastEvents = 0;
        long lastBytes = 0;
        while (true) {
            Thread.sleep(1000);
            long m = messages.get();
            long e = events.get();
            long b = bytes.get();
            System.out.printf("%d msg/s %d events/s %.1f MB/s%n", m - lastMessages, e - lastEvents,
                    (b - lastBytes) / 1e6);
            lastMessages = m;
            lastEvents = e;
            lastBytes = b;
        }
    }
}
