package com.reliableedge.cloud.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One stored event (the default sink). Only the events of the first batch that covered each index are stored, plus
 * every late event, so the events API serves each event once by reading rows in {@code (idx, id)} order.
 */
@Entity
@Table(name = "stream_event")
public class EventEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ids")
    @SequenceGenerator(name = "ids", sequenceName = "backfill_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "stream_id", nullable = false)
    public Long streamId;

    @Column(name = "batch_row_id", nullable = false)
    public Long batchRowId;

    @Column(name = "idx", nullable = false)
    public long index;

    @Column(name = "late", nullable = false)
    public boolean late;

    /** The event object as received, JSON text. */
    @Column(name = "payload", nullable = false, length = 1_048_576)
    public String payload;
}
