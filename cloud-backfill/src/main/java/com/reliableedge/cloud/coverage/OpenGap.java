package com.reliableedge.cloud.coverage;

import java.time.Instant;

import com.reliableedge.protocol.index.Window;

/** A gap as stored: its row id, interval and when it first became visible. */
public record OpenGap(long id, Window interval, Instant observedAt) {
}
