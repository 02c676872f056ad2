package com.reliableedge.cloud.store;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import com.reliableedge.protocol.index.IndexKind;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One stream, {@code (deviceId, batchId)}, and the state its gaps are computed from. Its row is the stream's lock:
 * every change to the stream's coverage, gaps and requests happens while holding it.
 */
@Entity
@Table(name = "stream")
public class StreamEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ids")
    @SequenceGenerator(name = "ids", sequenceName = "backfill_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(name = "batch_id", nullable = false)
    public String batchId;

    @Enumerated(EnumType.STRING)
    @Column(name = "index_kind", nullable = false)
    public IndexKind indexKind;

    /** The smallest {@code streamOrigin} or live {@code startWindow} seen; null before the first live batch. */
    @Column(name = "origin")
    public Long origin;

    /** The largest live {@code endWindow} seen. */
    @Column(name = "last_live_end")
    public Long lastLiveEnd;

    /** The {@code backlogFrom} of the newest live batch; holes from there on are in flight, not gaps. */
    @Column(name = "backlog_from")
    public Long backlogFrom;

    /** When a live batch was last ingested (the stream's creation before that). */
    @Column(name = "last_live_at", nullable = false)
    public Instant lastLiveAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "open_gaps", nullable = false)
    public int openGaps;

    /** The first start and last end of the coverage. */
    @Column(name = "first_start")
    public Long firstStart;

    @Column(name = "last_end")
    public Long lastEnd;

    /** Failures in a row of this stream's scan or planning; 0 when the last one went well. */
    @Column(name = "scan_failures", nullable = false)
    public int scanFailures;

    /** The scanner leaves the stream out of planning until then (null: not parked). */
    @Column(name = "scan_parked_until")
    public Instant scanParkedUntil;

    /** Why it was parked. */
    @Column(name = "scan_park_reason")
    public String scanParkReason;
}
