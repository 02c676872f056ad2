package com.reliableedge.edge.buffer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The edge's durable store (E4): sealed messages waiting for the upstream, each stream's cursor, and accepted
 * backfill jobs with their progress.
 * <p>
 * <b>Durability.</b> Every mutating method is one atomic step that is on disk (fsynced) when it returns normally; a
 * crash at any instant leaves either all of it or none of it. In particular a seal and the cursor it moves are
 * written together, and so are a job's batches and its new progress. When a method throws, nothing of that step was
 * written; {@link BufferFullException} says the disk is full.
 * <p>
 * <b>Ordering.</b> {@link #nextToSend} returns messages by lane, then in seal order: live messages (live and late
 * batches) sealed at or after the given time, then older live messages (the backlog), then backfill batches and
 * backfill status messages.
 * <p>
 * <b>Bounds.</b> A message leaves only by {@link #acknowledge}, or by being dropped and counted through the
 * {@link DropListener}: evicted when a seal would pass the byte limit (reason {@code full}, oldest first), expired
 * past the age limit ({@code expired}), refused by the upstream ({@code rejected}), or lost in an unreadable store
 * ({@code unreadable}).
 * <p>
 * Implementations are safe for use by several threads.
 */
public interface BatchBuffer extends AutoCloseable {

    /** Each stream's durable live state, by stream id. */
    Map<String, StreamCursor> cursors();

    /**
     * Seals a stream's live and late messages and moves its cursor, and records the self-heal job if given: one step.
     *
     * @param healJob a job to record with the seal (E5), or {@code null}
     */
    void sealLive(List<SealedMessage> messages, StreamCursor cursor, BackfillJob healJob, long nowMillis);

    /**
     * Up to {@code max} messages to send next, in lane order, leaving out those in {@code exclude} (in flight).
     *
     * @param liveSinceMillis live messages sealed at or after this are in the live lane, older ones in the backlog
     */
    List<StoredMessage> nextToSend(int max, Collection<Long> exclude, long liveSinceMillis);

    /** The {@code startWindow} of the oldest live batch of the stream still in the buffer. */
    OptionalLong oldestLiveStart(String streamId);

    /** The upstream acknowledged the message: it leaves the buffer. Unknown ids are ignored. */
    void acknowledge(long id);

    /** The upstream refused the message for good: it leaves the buffer, counted with {@code reason}. */
    void reject(long id, String reason);

    /** Evicts messages sealed before {@code olderThanMillis}, counted as {@code expired}; returns how many. */
    int expire(long olderThanMillis);

    /** Records an accepted job; {@code false} (and nothing changed) when its request id is already known. */
    boolean addJob(BackfillJob job);

    Optional<BackfillJob> job(String requestId);

    /** Jobs not {@code DONE}, oldest first. */
    List<BackfillJob> unfinishedJobs();

    /**
     * Seals part of a job: its batches, the outcomes of the parts served, and its new progress, in one step; the
     * job becomes {@code SERVED} when the progress reaches the window's end.
     */
    void sealBackfill(String requestId, List<SealedMessage> batches, List<Segment> segments, long progress,
            long nowMillis);

    /** How many messages of the job are still waiting in the buffer. */
    int pendingMessages(String requestId);

    /** The job's recorded outcomes, in index order. A batch evicted before being sent turns its part to failed. */
    List<Segment> segments(String requestId);

    /** Seals the job's status messages (possibly none) and marks it {@code DONE}, in one step. */
    void finishJob(String requestId, List<SealedMessage> statusMessages, long nowMillis);

    /**
     * Forgets jobs finished before {@code finishedBeforeMillis} (their request ids are no longer recognised), and
     * old eviction records; returns how many jobs.
     */
    int forgetJobs(long finishedBeforeMillis);

    /** A held batch (live or backfill, not late) of the stream whose window contains {@code index}. */
    Optional<StoredMessage> heldBatchCovering(String streamId, long index);

    /** The smallest start of a held batch (live or backfill, not late) of the stream after {@code index}. */
    OptionalLong nextHeldStart(String streamId, long index);

    BufferStats stats();

    /** Messages dropped so far, by reason; kept across restarts. */
    Map<String, Long> dropCounts();

    /** Whether a write can be made right now (readiness). */
    boolean writable();

    @Override
    void close();
}
