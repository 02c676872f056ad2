package com.reliableedge.edge.buffertool;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.edge.buffer.Segment;
import com.reliableedge.edge.buffer.StoreView;
import com.reliableedge.edge.buffer.StoreView.Waiting;
import com.reliableedge.edge.buffer.StreamCursor;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;

import io.quarkus.runtime.annotations.RegisterForReflection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code buffer inspect}: per stream its cursor and the messages waiting in each send lane, then the accepted backfill
 * jobs with their progress, then the drops recorded. Text for people, {@code --json} for programs.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Shows per stream the cursor and the"
        + " messages waiting in each lane (live, backlog, backfill), the backfill jobs and their progress, and the"
        + " drops recorded.")
@RegisterForReflection
public class InspectCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "one JSON document instead of text")
    boolean json;

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "20", description = "messages listed per"
            + " stream and lane in the text (default ${DEFAULT-VALUE}; --json lists all)")
    int maxMessages;

    @Option(names = "--max-evictions", paramLabel = "N", defaultValue = "20", description = "newest recorded drops"
            + " listed (default ${DEFAULT-VALUE})")
    int maxEvictions;

    @Spec
    CommandSpec spec;

    /** One stream's part of the snapshot. */
    private record StreamPart(String stream, IndexKind kind, StreamCursor cursor, Map<SendLane, List<Waiting>> lanes) {
    }

    @Override
    public Integer call() throws Exception {
        long now = BufferTool.clock.millis();
        long liveWindowMillis = store.liveWindow().toMillis();
        PrintWriter out = spec.commandLine().getOut();
        try (StoreView view = StoreView.open(store.storeFile())) {
            Map<String, StreamCursor> cursors = view.cursors();
            List<Waiting> messages = view.messages(false);
            List<StoreView.Job> jobs = view.jobs();
            Map<String, Long> drops = view.dropCounts();
            long evictionCount = view.evictionCount();
            List<StoreView.Eviction> evictions = view.evictions(maxEvictions);
            Map<String, StreamPart> streams = new TreeMap<>();
            cursors.values().forEach(c -> streams.put(c.streamId(), part(c.streamId(), c.kind(), c)));
            for (Waiting m : messages) {
                streams.computeIfAbsent(m.stream(), s -> part(s, m.kind(), null)).lanes().get(SendLane.of(m, now
                        - liveWindowMillis)).add(m);
            }
            if (json) {
                ObjectNode doc = MessageJson.MAPPER.createObjectNode();
                doc.put("store", view.file().toString());
                doc.put("schemaVersion", view.schemaVersion());
                doc.put("at", Instant.ofEpochMilli(now).toString());
                doc.put("liveWindowMillis", liveWindowMillis);
                doc.put("messages", messages.size());
                doc.put("bytes", messages.stream().mapToLong(Waiting::size).sum());
                ArrayNode s = doc.putArray("streams");
                streams.values().forEach(p -> s.add(streamJson(p)));
                ArrayNode j = doc.putArray("backfillJobs");
                jobs.forEach(job -> j.add(jobJson(job)));
                ObjectNode d = doc.putObject("drops");
                drops.forEach(d::put);
                doc.put("evictionsRecorded", evictionCount);
                ArrayNode e = doc.putArray("evictions");
                evictions.forEach(ev -> e.add(evictionJson(ev, streams)));
                out.println(MessageJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            } else {
                text(out, view, now, liveWindowMillis, messages, streams, jobs, drops, evictionCount, evictions);
            }
            return BufferTool.OK;
        } catch (StoreView.Unavailable e) {
            spec.commandLine().getErr().println("buffer inspect: " + e.getMessage());
            return BufferTool.UNUSABLE;
        }
    }

    private static StreamPart part(String stream, IndexKind kind, StreamCursor cursor) {
        Map<SendLane, List<Waiting>> lanes = new EnumMap<>(SendLane.class);
        for (SendLane l : SendLane.values()) {
            lanes.put(l, new ArrayList<>());
        }
        return new StreamPart(stream, kind, cursor, lanes);
    }

    private static ObjectNode streamJson(StreamPart p) {
        ObjectNode n = MessageJson.MAPPER.createObjectNode();
        n.put("stream", p.stream());
        n.put("indexKind", p.kind().wireName());
        if (p.cursor() != null) {
            ObjectNode c = n.putObject("cursor");
            c.put("endWindow", p.kind().format(p.cursor().cursor()));
            c.put("seq", p.cursor().seq());
            c.put("streamOrigin", p.kind().format(p.cursor().streamOrigin()));
            c.put("lateSeq", p.cursor().lateSeq());
        } else {
            n.putNull("cursor");
        }
        ObjectNode lanes = n.putObject("lanes");
        p.lanes().forEach((lane, ms) -> {
            ObjectNode l = lanes.putObject(lane.label());
            l.put("messages", ms.size());
            l.put("bytes", ms.stream().mapToLong(Waiting::size).sum());
            ArrayNode list = l.putArray("list");
            ms.forEach(m -> list.add(MessageJson.of(m, lane)));
        });
        return n;
    }

    private static ObjectNode jobJson(StoreView.Job j) {
        BackfillJob job = j.job();
        ObjectNode n = MessageJson.MAPPER.createObjectNode();
        n.put("requestId", job.requestId());
        n.put("stream", job.streamId());
        n.put("indexKind", job.kind().wireName());
        n.put(Window.START_FIELD, job.window().startWire(job.kind()));
        n.put(Window.END_FIELD, job.window().endWire(job.kind()));
        n.put("state", job.state().name());
        n.put("progress", job.kind().format(job.progress()));
        n.put("servedFraction", fraction(job));
        n.put("origin", job.edgeOriginated() ? "edge" : "cloud");
        n.put("attempt", job.attempt());
        n.put("acceptedAt", Instant.ofEpochMilli(job.createdAtMillis()).toString());
        if (j.finishedAtMillis() != null) {
            n.put("finishedAt", Instant.ofEpochMilli(j.finishedAtMillis()).toString());
        }
        n.put("messagesWaiting", j.waiting());
        ArrayNode parts = n.putArray("parts");
        for (Segment s : j.segments()) {
            ObjectNode part = parts.addObject();
            part.put(Window.START_FIELD, s.window().startWire(job.kind()));
            part.put(Window.END_FIELD, s.window().endWire(job.kind()));
            part.put("outcome", s.outcome().wireName());
            if (s.reason() != null) {
                part.put("reason", s.reason());
            }
        }
        return n;
    }

    private static ObjectNode evictionJson(StoreView.Eviction e, Map<String, StreamPart> streams) {
        ObjectNode n = MessageJson.MAPPER.createObjectNode();
        n.put("id", e.id());
        n.put("reason", e.reason());
        n.put("stream", e.stream());
        if (e.lane() != null) {
            n.put("class", e.lane().label());
        }
        if (e.window() != null) {
            IndexKind kind = kindOf(e.stream(), streams);
            n.put(Window.START_FIELD, e.window().startWire(kind));
            n.put(Window.END_FIELD, e.window().endWire(kind));
        }
        if (e.requestId() != null) {
            n.put("backfillRequestId", e.requestId());
        }
        return n;
    }

    private static IndexKind kindOf(String stream, Map<String, StreamPart> streams) {
        StreamPart p = streams.get(stream);
        return p == null ? IndexKind.SEQUENCE : p.kind(); // a stream the store no longer knows: show raw numbers
    }

    private static double fraction(BackfillJob job) {
        return (double) (job.progress() - job.window().start()) / job.window().length();
    }

    private void text(PrintWriter out, StoreView view, long now, long liveWindowMillis, List<Waiting> messages,
            Map<String, StreamPart> streams, List<StoreView.Job> jobs, Map<String, Long> drops, long evictionCount,
            List<StoreView.Eviction> evictions) throws Exception {
        out.printf("Store %s (schema version %d), read-only snapshot at %s%n", view.file(), view.schemaVersion(),
                Instant.ofEpochMilli(now));
        out.printf("Waiting: %d message(s), %d bytes. Lanes: live = sealed within the last %d s (sent first),"
                + " backlog = older live and late batches, backfill = backfill batches and status messages.%n",
                messages.size(), messages.stream().mapToLong(Waiting::size).sum(), liveWindowMillis / 1000);
        for (StreamPart p : streams.values()) {
            out.printf("%nStream %s (%s)%n", p.stream(), p.kind().wireName());
            if (p.cursor() == null) {
                out.println("  cursor     none (no live batch was ever sealed)");
            } else {
                StreamCursor c = p.cursor();
                out.printf("  cursor     endWindow %s  seq %d  streamOrigin %s  lateSeq %d%n", p.kind().format(c
                        .cursor()), c.seq(), p.kind().format(c.streamOrigin()), c.lateSeq());
            }
            for (Map.Entry<SendLane, List<Waiting>> lane : p.lanes().entrySet()) {
                List<Waiting> ms = lane.getValue();
                out.printf("  %-9s  %d message(s), %d bytes%n", lane.getKey().label(), ms.size(), ms.stream()
                        .mapToLong(Waiting::size).sum());
                ms.stream().limit(maxMessages).forEach(m -> out.println("    " + line(m)));
                if (ms.size() > maxMessages) {
                    out.printf("    ... %d more (--max-messages, or --json for all)%n", ms.size() - maxMessages);
                }
            }
        }
        out.printf("%nBackfill jobs: %d%n", jobs.size());
        for (StoreView.Job j : jobs) {
            BackfillJob job = j.job();
            Map<String, Integer> outcomes = new LinkedHashMap<>();
            j.segments().forEach(s -> outcomes.merge(s.outcome().wireName(), 1, Integer::sum));
            out.printf("  %s  %s %s  %s  progress %s (%.0f%%)  %s attempt %d  %d message(s) waiting  parts %s%n", job
                    .requestId(), job.streamId(), job.window().toString(job.kind()), job.state(),
                    job.kind().format(
                            job.progress()),
                    100 * fraction(job), job.edgeOriginated() ? "edge" : "cloud", job
                            .attempt(),
                    j.waiting(), outcomes.isEmpty() ? "none" : outcomes);
        }
        out.printf("%nDrops by reason: %s%n", drops.isEmpty() ? "none" : drops);
        out.printf("Evictions recorded: %d%s%n", evictionCount, evictionCount > evictions.size()
                ? " (newest " + evictions.size() + " shown)"
                : "");
        for (StoreView.Eviction e : evictions) {
            IndexKind kind = kindOf(e.stream(), streams);
            out.printf("  #%d %s %s %s %s%s%n", e.id(), e.reason(), e.stream(), e.lane() == null
                    ? "-"
                    : e.lane().label(), e.window() == null ? "-" : e.window().toString(kind),
                    e.requestId() == null
                            ? ""
                            : " request " + e.requestId());
        }
    }

    private static String line(Waiting m) {
        StringBuilder b = new StringBuilder();
        b.append('#').append(m.id()).append(' ').append(m.lane().label()).append(' ').append(m.window().toString(m
                .kind()));
        if (m.seq() != null) {
            b.append(" seq ").append(m.seq());
        }
        if (m.lateSeq() != null) {
            b.append(" lateSeq ").append(m.lateSeq());
        }
        if (m.requestId() != null) {
            b.append(" request ").append(m.requestId());
        }
        if (m.eventCount() != null) {
            b.append(", ").append(m.eventCount()).append(" event(s)");
        }
        b.append(", ").append(m.size()).append(" bytes, sealed ").append(Instant.ofEpochMilli(m.sealedAtMillis()));
        return b.toString();
    }
}
