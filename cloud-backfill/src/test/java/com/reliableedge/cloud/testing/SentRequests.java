package com.reliableedge.cloud.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.method.BackfillRequest;

/** Checks on the backfill requests a fake edge received from several service instances. */
public final class SentRequests {

    private SentRequests() {
    }

    /** At least one request was sent, none twice, and no two windows of one stream overlap. */
    public static void assertSentOnceWithoutOverlap(List<BackfillRequest> calls, IndexKind kind, String context) {
        assertThat(calls).as(context).isNotEmpty();
        assertThat(calls.stream().map(BackfillRequest::requestId)).as(context + ": each request sent once")
                .doesNotHaveDuplicates();
        for (int i = 0; i < calls.size(); i++) {
            for (int j = i + 1; j < calls.size(); j++) {
                BackfillRequest a = calls.get(i);
                BackfillRequest b = calls.get(j);
                if (a.batchId().equals(b.batchId())) {
                    assertThat(a.window(kind).overlaps(b.window(kind))).as(context + ": %s and %s overlap", a, b)
                            .isFalse();
                }
            }
        }
    }
}
