package com.reliableedge.cloud.coverage;

import java.time.Instant;

import com.reliableedge.protocol.coverage.Interval;

/** A gap as stored: its row id, interval and when it first became visible. */
public record OpenGap(long id, Interval interval, Instant observedAt) {
}
