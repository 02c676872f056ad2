package com.reliableedge.cloud.store;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A window the edge reported {@code unavailable}: not a gap, and not requested again unless an operator asks. */
@Entity
@Table(name = "lost_window")
public class LostWindowEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ids")
    @SequenceGenerator(name = "ids", sequenceName = "backfill_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "stream_id", nullable = false)
    public Long streamId;

    @Column(name = "start_index", nullable = false)
    public long startIndex;

    @Column(name = "end_index", nullable = false)
    public long endIndex;

    @Column(name = "reason")
    public String reason;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
