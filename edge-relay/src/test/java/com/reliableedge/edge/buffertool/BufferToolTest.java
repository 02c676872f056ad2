package com.reliableedge.edge.buffertool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.SealedMessage;
import com.reliableedge.edge.buffer.Segment;
import com.reliableedge.edge.buffer.SqliteBuffer;
import com.reliableedge.edge.buffer.StoredMessage;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.method.BackfillStatus;

/**
 * The buffer tool on a store filled by the relay's own {@link SqliteBuffer}: two live streams (one with a gzipped
 * batch), a backfill job half served, an expired batch recorded as a drop; then a damaged copy, a tampered copy, and
 * paths that are not stores.
 */
class BufferToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();
    private static final long NOW = T0 + 600_000;
    private static final IndexKind TIME = IndexKind.TIME;

    @TempDir
    Path dir;

    private SqliteBuffer buffer;
    private final List<String> drops = new ArrayList<>();

    /** What a run printed and returned. */
    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BufferTool.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run tool(String command, String... more) {
        List<String> args = new ArrayList<>(List.of(command, "--data-dir", dir.toString()));
        args.addAll(Arrays.asList(more));
        return run(args.toArray(String[]::new));
    }

    private static byte[] body(long index) {
        return ("[{\"index\":\"" + TIME.format(index) + "\",\"value\":1}]").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(plain);
        }
        return bytes.toByteArray();
    }

    private static SealedMessage live(String stream, long start, long end, long seq, long origin) {
        return new SealedMessage(MessageProperties.live(stream, TIME, new Window(start, end), 1, seq, origin), body(
                start));
    }

    @BeforeEach
    void fill() throws IOException {
        BufferTool.clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        buffer = new SqliteBuffer(dir.resolve("relay.db"), "edge-t", 1 << 22, (reason, stream, window) -> drops.add(
                reason + " " + stream));
        // line-1: seq 1 sealed 5 min ago (backlog), seq 2 and 3 (gzipped) sealed just now (live lane).
        buffer.sealLive(List.of(live("line-1", T0, T0 + 1000, 1, T0)), new StreamCursor("line-1", TIME, T0 + 1000, 1,
                T0, 0), null, NOW - 300_000);
        buffer.sealLive(List.of(live("line-1", T0 + 1000, T0 + 2000, 2, T0)), new StreamCursor("line-1", TIME, T0
                + 2000, 2, T0, 0), null, NOW - 1000);
        MessageProperties zipped = MessageProperties.live("line-1", TIME, new Window(T0 + 2000, T0 + 3000), 1, 3, T0)
                .withContentEncoding(MessageProperties.GZIP);
        buffer.sealLive(List.of(new SealedMessage(zipped, gzip(body(T0 + 2000)))), new StreamCursor("line-1", TIME, T0
                + 3000, 3, T0, 0), null, NOW - 500);
        // line-2: one batch, then expired (a recorded drop), so a cursor and nothing waiting.
        buffer.sealLive(List.of(live("line-2", T0, T0 + 5000, 1, T0)), new StreamCursor("line-2", TIME, T0 + 5000, 1,
                T0, 0), null, 1);
        assertThat(buffer.expire(2)).isEqualTo(1);
        // A cloud request for [T0 - 10 s, T0), served up to T0 - 5 s.
        Window asked = new Window(T0 - 10_000, T0);
        assertThat(buffer.addJob(BackfillJob.accepted("req-1", "line-1", TIME, asked, false, 2, NOW - 2000)))
                .isTrue();
        Window served = new Window(T0 - 10_000, T0 - 5000);
        buffer.sealBackfill("req-1", List.of(new SealedMessage(MessageProperties.backfill("line-1", TIME, served, 1,
                "req-1"), body(served.start()))), List.of(new Segment(served, BackfillStatus.Outcome.COMPLETED,
                        null)),
                served.end(), NOW - 1500);
    }

    @AfterEach
    void close() {
        buffer.close();
        BufferTool.clock = Clock.systemUTC();
        System.clearProperty("relay.data-dir");
    }

    private static JsonNode stream(JsonNode doc, String name) {
        for (JsonNode s : doc.get("streams")) {
            if (s.get("stream").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no stream " + name + " in " + doc);
    }

    private List<StoredMessage> waiting() {
        return buffer.nextToSend(100, List.of(), 0);
    }

    private long sizeOf(long start) {
        // The buffer's own count of a message's bytes: body plus properties.
        return waiting().stream().filter(m -> m.properties().window().start() == start).mapToLong(m -> m.body().length
                + com.reliableedge.protocol.message.Envelope.of("edge-t", m.properties()).propertiesSize()).sum();
    }

    @Test
    void inspectAsJsonShowsCursorsLanesJobsAndDrops() throws Exception {
        Run r = tool("inspect", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(doc.get("messages").asInt()).isEqualTo(4);
        assertThat(doc.get("bytes").asLong()).isEqualTo(buffer.stats().bytes());

        JsonNode line1 = stream(doc, "line-1");
        assertThat(line1.get("indexKind").asText()).isEqualTo("time");
        assertThat(line1.at("/cursor/endWindow").asText()).isEqualTo("2026-12-02T10:00:03.000Z");
        assertThat(line1.at("/cursor/seq").asLong()).isEqualTo(3);
        assertThat(line1.at("/cursor/streamOrigin").asText()).isEqualTo("2026-12-02T10:00:00.000Z");
        JsonNode backlog = line1.at("/lanes/backlog");
        assertThat(backlog.get("messages").asInt()).isEqualTo(1);
        assertThat(backlog.get("bytes").asLong()).isEqualTo(sizeOf(T0));
        JsonNode first = backlog.get("list").get(0);
        assertThat(first.get("startWindow").asText()).isEqualTo("2026-12-02T10:00:00.000Z");
        assertThat(first.get("endWindow").asText()).isEqualTo("2026-12-02T10:00:01.000Z");
        assertThat(first.get("seq").asLong()).isEqualTo(1);
        assertThat(first.get("class").asText()).isEqualTo("live");
        assertThat(first.get("bytes").asLong()).isEqualTo(sizeOf(T0));
        JsonNode liveLane = line1.at("/lanes/live");
        assertThat(liveLane.get("messages").asInt()).isEqualTo(2);
        assertThat(liveLane.get("list").get(1).get("seq").asLong()).isEqualTo(3);
        assertThat(liveLane.get("list").get(1).get("contentEncoding").asText()).isEqualTo("gzip");
        assertThat(liveLane.get("bytes").asLong()).isEqualTo(sizeOf(T0 + 1000) + sizeOf(T0 + 2000));
        JsonNode backfillLane = line1.at("/lanes/backfill");
        assertThat(backfillLane.get("messages").asInt()).isEqualTo(1);
        assertThat(backfillLane.get("list").get(0).get("backfillRequestId").asText()).isEqualTo("req-1");
        assertThat(backfillLane.get("list").get(0).get("startWindow").asText()).isEqualTo(
                "2026-12-02T09:59:50.000Z");

        JsonNode line2 = stream(doc, "line-2");
        assertThat(line2.at("/cursor/endWindow").asText()).isEqualTo("2026-12-02T10:00:05.000Z");
        assertThat(line2.at("/lanes/live/messages").asInt() + line2.at("/lanes/backlog/messages").asInt()).isZero();

        JsonNode job = doc.get("backfillJobs").get(0);
        assertThat(job.get("requestId").asText()).isEqualTo("req-1");
        assertThat(job.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(job.get("progress").asText()).isEqualTo("2026-12-02T09:59:55.000Z");
        assertThat(job.get("servedFraction").asDouble()).isEqualTo(0.5);
        assertThat(job.get("attempt").asInt()).isEqualTo(2);
        assertThat(job.get("origin").asText()).isEqualTo("cloud");
        assertThat(job.get("messagesWaiting").asInt()).isEqualTo(1);
        assertThat(job.at("/parts/0/outcome").asText()).isEqualTo("completed");
        assertThat(job.at("/parts/0/endWindow").asText()).isEqualTo("2026-12-02T09:59:55.000Z");

        assertThat(doc.at("/drops/expired").asLong()).isEqualTo(1);
        assertThat(doc.get("evictionsRecorded").asLong()).isEqualTo(1);
        JsonNode eviction = doc.get("evictions").get(0);
        assertThat(eviction.get("reason").asText()).isEqualTo("expired");
        assertThat(eviction.get("stream").asText()).isEqualTo("line-2");
        assertThat(eviction.get("startWindow").asText()).isEqualTo("2026-12-02T10:00:00.000Z");
        assertThat(eviction.get("endWindow").asText()).isEqualTo("2026-12-02T10:00:05.000Z");
    }

    @Test
    void inspectAsTextNamesTheSameFigures() {
        Run r = tool("inspect");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Waiting: 4 message(s), " + buffer.stats().bytes() + " bytes")
                .contains("Stream line-1 (time)")
                .contains("cursor     endWindow 2026-12-02T10:00:03.000Z  seq 3  streamOrigin"
                        + " 2026-12-02T10:00:00.000Z  lateSeq 0")
                .contains("live       2 message(s), " + (sizeOf(T0 + 1000) + sizeOf(T0 + 2000)) + " bytes")
                .contains("backlog    1 message(s), " + sizeOf(T0) + " bytes")
                .contains("[2026-12-02T10:00:00.000Z, 2026-12-02T10:00:01.000Z) seq 1, 1 event(s)")
                .contains("req-1  line-1 [2026-12-02T09:59:50.000Z, 2026-12-02T10:00:00.000Z)  ACTIVE  progress"
                        + " 2026-12-02T09:59:55.000Z (50%)  cloud attempt 2  1 message(s) waiting  parts"
                        + " {completed=1}")
                .contains("Drops by reason: {expired=1}")
                .contains("expired line-2 live [2026-12-02T10:00:00.000Z, 2026-12-02T10:00:05.000Z)");
    }

    @Test
    void verifyPassesASoundStore() {
        Run r = tool("verify");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("ok: " + dir.resolve("relay.db").toAbsolutePath());
    }

    @Test
    void exportWritesEachWaitingMessageAsAJsonLineWithItsBody() throws Exception {
        Run r = tool("export");
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.out().split("\n")) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).hasSize(4);
        assertThat(lines).extracting(l -> l.get("lane").asText()).containsExactly("backlog", "live", "live",
                "backfill");
        JsonNode first = lines.get(0);
        assertThat(first.get("stream").asText()).isEqualTo("line-1");
        assertThat(first.get("seq").asLong()).isEqualTo(1);
        assertThat(first.get("startWindow").asText()).isEqualTo("2026-12-02T10:00:00.000Z");
        assertThat(first.get("bytes").asLong()).isEqualTo(sizeOf(T0));
        assertThat(first.get("body")).isEqualTo(JSON.readTree(body(T0)));
        JsonNode zipped = lines.get(2);
        assertThat(zipped.get("contentEncoding").asText()).isEqualTo("gzip");
        assertThat(zipped.get("body")).as("gunzipped").isEqualTo(JSON.readTree(body(T0 + 2000)));
        assertThat(lines.get(3).get("backfillRequestId").asText()).isEqualTo("req-1");
        assertThat(r.err()).contains("exported 4 message(s)");

        Run backfillOnly = tool("export", "--lane", "backfill");
        assertThat(backfillOnly.out().strip().split("\n")).hasSize(1);
        assertThat(JSON.readTree(backfillOnly.out()).get("class").asText()).isEqualTo("backfill");
        assertThat(tool("export", "--stream", "line-2").out()).isEmpty();
        Path file = dir.resolve("out.jsonl");
        Run toFile = tool("export", "--stream", "line-1", "--lane", "live", "--out", file.toString());
        assertThat(toFile.code()).isZero();
        assertThat(Files.readAllLines(file)).hasSize(2);
        assertThat(tool("export", "--lane", "sideways").code()).isEqualTo(BufferTool.UNUSABLE);
    }

    @Test
    void readsAStoreTheRelayHasOpenAndLeavesAClosedOneAsItWas() throws Exception {
        // While the buffer (the relay's store) is open and keeps writing, the tool reads a consistent snapshot.
        assertThat(tool("verify").code()).isZero();
        buffer.sealLive(List.of(live("line-1", T0 + 3000, T0 + 4000, 4, T0)), new StreamCursor("line-1", TIME, T0
                + 4000, 4, T0, 0), null, NOW);
        assertThat(JSON.readTree(tool("inspect", "--json").out()).get("messages").asInt()).isEqualTo(5);
        buffer.acknowledge(waiting().get(0).id());
        assertThat(buffer.writable()).isTrue();
        buffer.close();
        byte[] before = Files.readAllBytes(dir.resolve("relay.db"));
        assertThat(tool("inspect").code()).isZero();
        assertThat(tool("verify").code()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("relay.db"))).as("not one byte changed").isEqualTo(before);
    }

    @Test
    void takesTheDataDirFromTheRelaysConfigurationWithoutTheOption() {
        System.setProperty("relay.data-dir", dir.toString());
        Run r = run("verify");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(dir.resolve("relay.db").toAbsolutePath().toString());
    }

    private Path copyOfStore() throws IOException {
        buffer.close(); // checkpoints the WAL into the file
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Files.copy(dir.resolve("relay.db"), copy.resolve("relay.db"));
        return copy;
    }

    private static void sql(Path store, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.resolve("relay.db"));
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void verifyNamesACursorThatDoesNotMatchItsNewestBatch() throws Exception {
        Path copy = copyOfStore();
        sql(copy, "UPDATE stream_state SET cursor = cursor + 500 WHERE stream = 'line-1'");
        Run r = run("verify", "--data-dir", copy.toString());
        assertThat(r.code()).isEqualTo(BufferTool.BROKEN);
        assertThat(r.err()).contains("BROKEN").contains("stream line-1: the cursor (endWindow " + (T0 + 3500)
                + ", seq 3) does not match its newest sealed live batch");
    }

    @Test
    void verifyNamesOverlappingLiveBatchesAndAnOrphanBackfillBatch() throws Exception {
        Path copy = copyOfStore();
        sql(copy, "UPDATE message SET start_index = start_index - 1500 WHERE stream = 'line-1' AND seq = 3");
        sql(copy, "DELETE FROM job");
        Run r = run("verify", "--data-dir", copy.toString());
        assertThat(r.code()).isEqualTo(BufferTool.BROKEN);
        assertThat(r.err()).contains("of line-1 overlap").contains("belongs to no accepted job (request req-1)");
    }

    @Test
    void verifyFailsOnADamagedStore() throws Exception {
        // Enough rows for several 64 KB pages, so that damage falls on table pages rather than the header.
        for (int i = 0; i < 40; i++) {
            byte[] big = new byte[6000];
            Arrays.fill(big, (byte) ' ');
            big[0] = '[';
            big[big.length - 1] = ']';
            buffer.sealLive(List.of(new SealedMessage(MessageProperties.live("bulk", TIME, new Window(T0 + i * 10L, T0
                    + i * 10L + 10), 0, i + 1, T0), big)), new StreamCursor("bulk", TIME, T0 + i * 10L + 10, i + 1,
                            T0, 0),
                    null, NOW);
        }
        Path copy = copyOfStore();
        Path file = copy.resolve("relay.db");
        long size = Files.size(file);
        assertThat(size).isGreaterThan(3 * 65536);
        byte[] noise = new byte[65536];
        new Random(11).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(65536);
            f.write(noise);
        }
        Run garbled = run("verify", "--data-dir", copy.toString());
        assertThat(garbled.code()).as(garbled.out() + garbled.err()).isEqualTo(BufferTool.BROKEN);
        assertThat(garbled.err()).contains("BROKEN");

        Path truncated = Files.createDirectories(dir.resolve("truncated"));
        Files.copy(dir.resolve("relay.db"), truncated.resolve("relay.db"));
        try (RandomAccessFile f = new RandomAccessFile(truncated.resolve("relay.db").toFile(), "rw")) {
            f.setLength(size / 2);
        }
        Run cut = run("verify", "--data-dir", truncated.toString());
        assertThat(cut.code()).as(cut.out() + cut.err()).isEqualTo(BufferTool.BROKEN);
    }

    @Test
    void aPathThatHoldsNoRelayStoreIsAUsageErrorNamingIt() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Run missing = run("inspect", "--data-dir", empty.toString());
        assertThat(missing.code()).isEqualTo(BufferTool.UNUSABLE);
        assertThat(missing.err()).contains("no relay store at " + empty.resolve("relay.db").toAbsolutePath());

        Path text = Files.createDirectories(dir.resolve("text"));
        Files.writeString(text.resolve("relay.db"), "hello, this is not a database at all ".repeat(40));
        Run notSqlite = run("verify", "--data-dir", text.toString());
        assertThat(notSqlite.code()).isEqualTo(BufferTool.UNUSABLE);
        assertThat(notSqlite.err()).contains(text.resolve("relay.db").toAbsolutePath() + " is not an SQLite database");

        Path other = Files.createDirectories(dir.resolve("other"));
        sql(other, "CREATE TABLE something (x INTEGER)");
        Run foreign = run("export", "--data-dir", other.toString());
        assertThat(foreign.code()).isEqualTo(BufferTool.UNUSABLE);
        assertThat(foreign.err()).contains("is not a relay store: it lacks the table(s) message, stream_state");

        Path copy = copyOfStore();
        sql(copy, "PRAGMA user_version = 99");
        Run newer = run("inspect", "--data-dir", copy.toString());
        assertThat(newer.code()).isEqualTo(BufferTool.UNUSABLE);
        assertThat(newer.err()).contains("schema version 99, newer than this build's 1");

        assertThat(run().code()).isEqualTo(BufferTool.UNUSABLE);
        assertThat(run("frobnicate").code()).isEqualTo(BufferTool.UNUSABLE);
        assertThat(run("--help").code()).isEqualTo(BufferTool.OK);
    }
}
