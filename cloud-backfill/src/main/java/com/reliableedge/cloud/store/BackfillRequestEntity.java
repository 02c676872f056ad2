package com.reliableedge.cloud.store;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A backfill request and where it stands in PROTOCOL.md section 6's state machine. Transitions are compare-and-set
 * on {@code (state, attempt)}; a send happens outside any transaction, under the lease ({@code leaseOwner},
 * {@code leaseUntil}).
 */
@Entity
@Table(name = "backfill_request")
public class BackfillRequestEntity extends PanacheEntityBase {

    @Id
    @Column(name = "request_id")
    public String requestId;

    @Column(name = "stream_id", nullable = false)
    public Long streamId;

    @Column(name = "start_index", nullable = false)
    public long startIndex;

    @Column(name = "end_index", nullable = false)
    public long endIndex;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false)
    public RequestState state;

    /** The number of this attempt at the window: 1 for the first request, its parent's plus one after. */
    @Column(name = "attempt", nullable = false)
    public int attempt;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "lease_owner")
    public String leaseOwner;

    @Column(name = "lease_until")
    public Instant leaseUntil;

    /** The current backoff after offline or busy answers; null before the first. */
    @Column(name = "retry_delay_ms")
    public Long retryDelayMs;

    @Column(name = "reason")
    public String reason;

    @Column(name = "parent_request_id")
    public String parentRequestId;

    /** Asked by an operator: lost windows do not stop it. */
    @Column(name = "operator_request", nullable = false)
    public boolean operatorRequest;

    /** The sub-ranges the edge reported a status for, as {@code start:end} pairs separated by commas. */
    @Column(name = "reported")
    public String reported;

    @Column(name = "send_count", nullable = false)
    public int sendCount;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "requested_at")
    public Instant requestedAt;
}
