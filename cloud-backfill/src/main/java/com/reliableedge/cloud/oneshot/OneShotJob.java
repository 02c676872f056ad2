package com.reliableedge.cloud.oneshot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.request.RequestDispatcher;
import com.reliableedge.cloud.request.RetryConsumer;
import com.reliableedge.cloud.scan.GapScanner;

import io.quarkus.logging.Log;

/**
 * One run of {@code backfill.mode=one-shot}: the scheduled scan's own code once ({@link GapScanner#scan(Instant)}:
 * plan, send the due requests, consume retry messages, sweep expired ones), then the rest of the visible retry
 * messages, then the requests those made due, all within {@code backfill.one-shot.max-wait}. Several runs (or runs
 * beside service instances) may share one database: planning holds the stream's lock, sends are claimed under a
 * lease, retry messages are hidden while one receiver has them, as for several service instances.
 */
@ApplicationScoped
public class OneShotJob {

    /** What a run did and how it ends. */
    public record Result(OneShotTally tally, OneShotExit.Verdict verdict, Duration took) {
    }

    private final BackfillConfig config;
    private final Clock clock;
    private final GapScanner scanner;
    private final RetryConsumer retries;
    private final RequestDispatcher dispatcher;

    public OneShotJob(BackfillConfig config, Clock clock, GapScanner scanner, RetryConsumer retries,
            RequestDispatcher dispatcher) {
        this.config = config;
        this.clock = clock;
        this.scanner = scanner;
        this.retries = retries;
        this.dispatcher = dispatcher;
    }

    public Result run() {
        long start = System.nanoTime();
        OneShotTally tally = OneShotTally.NONE;
        Throwable failure = null;
        try {
            Instant deadline = clock.instant().plus(config.oneShot().maxWait());
            try {
                tally = tally.plus(scanner.scan(deadline));
            } catch (GapScanner.RetryQueueFailure e) {
                tally = tally.plus(e.report());
                throw e;
            }
            int received = -1;
            while (received != 0 && clock.instant().isBefore(deadline)) {
                received = retries.drain();
                tally = tally.drained(received);
            }
            if (received > 0) {
                tally = tally.leftWork();
            }
            // The messages drained may have made new requests (the next attempt of a window) due now.
            RequestDispatcher.Dispatch round = null;
            while ((round == null || round.sent() > 0 && round.unanswered() == 0)
                    && clock.instant().isBefore(deadline)) {
                round = dispatcher.dispatchDue(deadline);
                tally = tally.plus(round);
            }
            if (round != null && round.unanswered() == 0 && round.sent() > 0) {
                tally = tally.leftWork();
            }
        } catch (RuntimeException e) {
            failure = e;
            Log.errorf(e, "one-shot run failed");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new Result(tally, OneShotExit.judge(tally, failure), took);
    }
}
