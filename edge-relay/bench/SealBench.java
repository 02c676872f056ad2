import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import com.reliableedge.edge.buffer.DropListener;
import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * How fast the buffer seals 256 KB batches, each one fsynced with its cursor before the next: five runs of 400
 * seals, median MB/s. Run (after packaging edge-relay):
 * java -cp "edge-relay/target/quarkus-app/app/*:edge-relay/target/quarkus-app/lib/main/*" edge-relay/bench/SealBench.java /tmp/seal-bench [ack]
 */
public class SealBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/seal-bench");
        // With "ack", each batch is acknowledged (removed) right after it is sealed, as when the upstream keeps up.
        boolean ack = args.length > 1 && args[1].equals("ack");
        int size = 262_144 - 600;
        byte[] body = new byte[size];
        new Random(1).nextBytes(body);
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            Files.createDirectories(dir);
            Path file = dir.resolve("bench-" + run + ".db");
            try (SqliteBuffer buffer = new SqliteBuffer(file, "bench", Long.MAX_VALUE / 2, DropListener.NONE)) {
                int n = 400;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    MessageProperties p = MessageProperties.live("seq-1", IndexKind.SEQUENCE, new Window(i * 1000L, i
                            * 1000L + 1000), 1000, i + 1, 0);
                    buffer.sealLive(List.of(new SealedMessage(p, body)), new StreamCursor("seq-1", IndexKind.SEQUENCE,
                            i * 1000L + 1000, i + 1, 0, 0), null, System.currentTimeMillis());
                    if (ack) {
                        buffer.acknowledge(buffer.nextToSend(1, java.util.Set.of(), 0).get(0).id());
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double mbps = (double) n * size / 1e6 / seconds;
                rates.add(mbps);
                System.out.printf("run %d: %d seals of %d bytes in %.2f s = %.1f MB/s, %.0f seals/s%n", run, n, size,
                        seconds, mbps, n / seconds);
            }
            for (String suffix : new String[]{"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        }
        Collections.sort(rates);
        System.out.printf("median %.1f MB/s%n", rates.get(2));
    }
}
