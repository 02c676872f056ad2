package com.reliableedge.cloud.oneshot;

import java.time.Duration;

import com.reliableedge.cloud.request.RequestDispatcher;
import com.reliableedge.cloud.scan.GapScanner;

/**
 * What a one-shot run did, summed over its scan, its drain of the retry queue and its rounds of sends.
 *
 * @param streamsScanned streams (and operator backfills) the scan's planning looked at
 * @param requestsCreated requests the scan created
 * @param requestsSent requests claimed and sent (with an answer or none)
 * @param answered of those, the edge answered (202, 400, 404, 503, ...)
 * @param unanswered calls still running at the bound
 * @param sendFailures sends that threw (not an answer: the database, mostly)
 * @param messagesDrained retry messages received
 * @param expiredSwept expired requests the sweep evaluated
 * @param workLeft the bound stopped a drain or a round of sends that still had work
 */
public record OneShotTally(int streamsScanned, int requestsCreated, int requestsSent, int answered, int unanswered,
        int sendFailures, int messagesDrained, int expiredSwept, boolean workLeft) {

    public static final OneShotTally NONE = new OneShotTally(0, 0, 0, 0, 0, 0, 0, 0, false);

    public OneShotTally plus(GapScanner.ScanReport scan) {
        return new OneShotTally(streamsScanned + scan.streamsScanned(), requestsCreated + scan.requestsCreated(),
                requestsSent, answered, unanswered, sendFailures, messagesDrained + scan.retriesReceived(),
                expiredSwept + scan.expiredSwept(), workLeft).plus(scan.sends());
    }

    public OneShotTally plus(RequestDispatcher.Dispatch sends) {
        return new OneShotTally(streamsScanned, requestsCreated, requestsSent + sends.sent(),
                answered + sends.answered(), unanswered + sends.unanswered(), sendFailures + sends.failed(),
                messagesDrained, expiredSwept, workLeft);
    }

    public OneShotTally drained(int messages) {
        return new OneShotTally(streamsScanned, requestsCreated, requestsSent, answered, unanswered, sendFailures,
                messagesDrained + messages, expiredSwept, workLeft);
    }

    public OneShotTally leftWork() {
        return new OneShotTally(streamsScanned, requestsCreated, requestsSent, answered, unanswered, sendFailures,
                messagesDrained, expiredSwept, true);
    }

    /** The one summary line on standard output. */
    public String summary(int exitCode, Duration took) {
        return "one-shot: exit=" + exitCode + " streams-scanned=" + streamsScanned + " requests-created="
                + requestsCreated + " requests-sent=" + requestsSent + " answered=" + answered + " no-answer="
                + (requestsSent - answered) + " unanswered-at-bound=" + unanswered + " send-failures="
                + sendFailures + " messages-drained=" + messagesDrained + " expired-swept=" + expiredSwept
                + " work-left=" + workLeft + " took=" + took.toMillis() + "ms";
    }
}
