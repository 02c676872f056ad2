package com.reliableedge.cloud.oneshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import com.reliableedge.cloud.queue.RetryQueueUnreachableException;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The exit code of a one-shot run as a function of what it did and how it failed. */
class OneShotExitProperties {

    @Provide
    Arbitrary<OneShotTally> tallies() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 5);
        return Combinators.combine(n, n, n, n, n, n, Arbitraries.of(true, false)).as((sent, answered, unanswered,
                failed, drained, swept, left) -> new OneShotTally(sent, sent, sent, Math.min(answered, sent),
                        unanswered, failed, drained, swept, left));
    }

    @Property(tries = 200)
    void withoutAFailureTheRunSucceedsUnlessTheBoundOrASendStoppedIt(@ForAll("tallies") OneShotTally tally) {
        OneShotExit.Verdict v = OneShotExit.judge(tally, null);
        if (tally.unanswered() > 0 || tally.workLeft()) {
            assertThat(v.exit()).isEqualTo(OneShotExit.BOUND);
        } else if (tally.sendFailures() > 0) {
            assertThat(v.exit()).isEqualTo(OneShotExit.SEND_FAILED);
        } else {
            // Devices that did not answer, were busy or refused: the protocol's normal course.
            assertThat(v.exit()).isEqualTo(OneShotExit.DONE);
            assertThat(v.reason()).isNull();
        }
        if (v.reason() != null) {
            assertThat(v.reason()).doesNotContain("\n");
        }
    }

    @Property(tries = 200)
    void aDatabaseFailureWinsOverEverythingElse(@ForAll("tallies") OneShotTally tally) {
        RuntimeException failure = new IllegalStateException("scan",
                new RuntimeException("wrapped", new SQLException("Connection refused\nto 127.0.0.1:5432")));
        OneShotExit.Verdict v = OneShotExit.judge(tally, failure);
        assertThat(v.exit().code()).isEqualTo(2);
        assertThat(v.reason()).startsWith("database unreachable: ").contains("127.0.0.1:5432")
                .doesNotContain("\n");
    }

    @Property(tries = 200)
    void aQueueFailureIsThreeUnlessTheDatabaseIsBehindIt(@ForAll("tallies") OneShotTally tally) {
        assertThat(OneShotExit.judge(tally, new RetryQueueUnreachableException("queue", new RuntimeException(
                "503"))).exit().code()).isEqualTo(3);
        assertThat(OneShotExit.judge(tally, new RetryQueueUnreachableException("queue", new SQLException(
                "down"))).exit().code()).isEqualTo(2);
    }

    @Property(tries = 10)
    void aStartupFailureNamesTheInnermostTellingException() {
        RuntimeException startup = new RuntimeException("Failed to start quarkus", new SQLException(
                "Connection to 127.0.0.1:1 refused", new java.net.ConnectException("Connection refused")));
        OneShotExit.Verdict v = OneShotExit.judgeStartup(startup);
        assertThat(v.exit()).isEqualTo(OneShotExit.DATABASE);
        assertThat(v.reason()).startsWith("database unreachable: SQLException: Connection to 127.0.0.1:1 refused");
        assertThat(OneShotExit.judgeStartup(new RuntimeException("Failed to start quarkus",
                new IllegalStateException("backfill.invoker.kind 'x' is unknown"))).exit()).isEqualTo(
                        OneShotExit.STARTUP);
    }
}
