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

import com.reliableedge.protocol.message.MessageClass;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A message recorded for a stream; its unique {@code messageId} is what makes ingest idempotent. */
@Entity
@Table(name = "recorded_batch")
public class RecordedBatchEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ids")
    @SequenceGenerator(name = "ids", sequenceName = "backfill_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "stream_id", nullable = false)
    public Long streamId;

    @Column(name = "message_id", nullable = false)
    public String messageId;

    @Enumerated(EnumType.STRING)
    @Column(name = "batch_kind", nullable = false)
    public MessageClass kind;

    @Column(name = "start_index", nullable = false)
    public long startIndex;

    @Column(name = "end_index", nullable = false)
    public long endIndex;

    @Column(name = "event_count", nullable = false)
    public int eventCount;

    /** Events kept: those in the parts of the window this batch was the first to cover (all, for late ones). */
    @Column(name = "stored_events", nullable = false)
    public int storedEvents;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "seq")
    public Long seq;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
