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

/**
 * What is left of an operator's backfill, {@code [nextIndex, endIndex)}: the scanner turns it into requests a few
 * windows at a time (under the stream's lock), so a wide operator request never materializes at once.
 */
@Entity
@Table(name = "operator_backfill")
public class OperatorBackfillEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ids")
    @SequenceGenerator(name = "ids", sequenceName = "backfill_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "stream_id", nullable = false)
    public Long streamId;

    @Column(name = "next_index", nullable = false)
    public long nextIndex;

    @Column(name = "end_index", nullable = false)
    public long endIndex;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
