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

/** A message of the {@code jdbc} retry queue. */
@Entity
@Table(name = "retry_message")
public class RetryMessageEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ids")
    @SequenceGenerator(name = "ids", sequenceName = "backfill_id_seq", allocationSize = 50)
    public Long id;

    @Column(name = "queue_name", nullable = false)
    public String queueName;

    @Column(name = "body", nullable = false)
    public String body;

    @Column(name = "visible_at", nullable = false)
    public Instant visibleAt;

    @Column(name = "dequeue_count", nullable = false)
    public int dequeueCount;

    @Column(name = "pop_receipt", nullable = false)
    public String popReceipt;

    @Column(name = "inserted_at", nullable = false)
    public Instant insertedAt;
}
