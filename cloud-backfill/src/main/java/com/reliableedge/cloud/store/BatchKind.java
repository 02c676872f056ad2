package com.reliableedge.cloud.store;

/** What a recorded message was. */
public enum BatchKind {
    LIVE, BACKFILL, LATE, STATUS
}
