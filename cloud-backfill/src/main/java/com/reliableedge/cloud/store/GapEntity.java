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

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A gap of a stream (PROTOCOL.md section 6): OPEN while visible, then CLOSED (filled) or LOST. */
@Entity
@Table(name = "gap")
public class GapEntity extends PanacheEntityBase {

    public enum State {
        OPEN, CLOSED, LOST
    }

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

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false)
    public State state;

    @Column(name = "observed_at", nullable = false)
    public Instant observedAt;

    @Column(name = "closed_at")
    public Instant closedAt;
}
