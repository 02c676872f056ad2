package com.reliableedge.cloud.store;

/**
 * The states of a backfill request (PROTOCOL.md section 6), as stored. Which of them block planning is decided by
 * {@code request.RequestDecisions}.
 */
public enum RequestState {
    /** To be sent at {@code nextAttemptAt}. */
    PENDING,
    /** The edge answered 202; waiting for data, a status, or the expiry. */
    REQUESTED,
    /** Nothing of its window is missing any more, or its remainder was handed to new requests. */
    COMPLETED,
    /** What remains was reported unavailable by the edge. */
    UNRECOVERABLE,
    /** Refused by the edge (400, 404), out of attempts, or its device was deleted. */
    FAILED
}
