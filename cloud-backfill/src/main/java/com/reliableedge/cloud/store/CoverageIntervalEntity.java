package com.reliableedge.cloud.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One merged interval of a stream's coverage; a stream's rows are disjoint and non-adjacent. */
@Entity
@Table(name = "coverage_interval")
public class CoverageIntervalEntity extends PanacheEntityBase {

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
}
