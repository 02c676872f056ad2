package com.reliableedge.cloud.oneshot;

import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Predicate;

import com.reliableedge.cloud.queue.RetryQueueUnreachableException;
import com.reliableedge.cloud.scan.GapScanner;

/**
 * The exit codes of a one-shot run, and the pure decision of which one a run gets. A device that does not answer, or
 * answers busy or refuses, is the protocol's normal course (its request backs off or ends): the run still succeeds.
 */
public enum OneShotExit {
    /** Scan, drain and sends done; every call finished (answered or not). */
    DONE(0),
    /** The startup failed: the configuration (the message names the key and the value), or anything else. */
    STARTUP(1),
    /** The database was unreachable, or the scan failed. */
    DATABASE(2),
    /** The retry queue was unreachable (the scan's planning, sends and expiry sweep still ran). */
    QUEUE(3),
    /** {@code backfill.one-shot.max-wait} passed with calls unanswered or work left; the next run takes them. */
    BOUND(4),
    /** Some sends failed with an error that is not the edge's answer; they are retried when their lease ends. */
    SEND_FAILED(5);

    private final int code;

    OneShotExit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** An exit and the one line that says why (null for {@link #DONE}). */
    public record Verdict(OneShotExit exit, String reason) {
    }

    /** The verdict on a run that did {@code tally} and ended with {@code failure} (null: none). */
    public static Verdict judge(OneShotTally tally, Throwable failure) {
        if (failure != null) {
            if (isQueue(failure) && !isDatabase(failure)) {
                return new Verdict(QUEUE, "retry queue unreachable: " + describe(failure));
            }
            return new Verdict(DATABASE, (isDatabase(failure) ? "database unreachable: " : "scan failed: ")
                    + describe(failure));
        }
        if (tally.unanswered() > 0 || tally.workLeft()) {
            return new Verdict(BOUND, "backfill.one-shot.max-wait passed with " + tally.unanswered()
                    + " method calls unanswered" + (tally.workLeft() ? " and work left" : "")
                    + "; the next run sends them again");
        }
        if (tally.sendFailures() > 0) {
            return new Verdict(SEND_FAILED, tally.sendFailures() + " sends failed (see the log); they are retried"
                    + " when their lease ends");
        }
        return new Verdict(DONE, null);
    }

    /** The verdict on a startup that failed with {@code failure}. */
    public static Verdict judgeStartup(Throwable failure) {
        // Quarkus wraps what failed in "Failed to start quarkus": name the innermost telling exception instead.
        if (isDatabase(failure)) {
            return new Verdict(DATABASE, "database unreachable: " + describe(find(failure,
                    OneShotExit::isDatabaseType).orElse(failure)));
        }
        if (isQueue(failure)) {
            return new Verdict(QUEUE, "retry queue unreachable: " + describe(find(failure,
                    t -> t instanceof RetryQueueUnreachableException).orElse(failure)));
        }
        return new Verdict(STARTUP, "startup failed: " + describe(failure));
    }

    /** The outermost exception of {@code failure}'s cause chain that passes {@code test}. */
    private static Optional<Throwable> find(Throwable failure, Predicate<Throwable> test) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static boolean isDatabaseType(Throwable t) {
        String type = t.getClass().getName();
        return t instanceof SQLException || type.startsWith("liquibase.exception.") || type.startsWith(
                "org.hibernate.exception.") || type.startsWith("io.agroal.");
    }

    static boolean isDatabase(Throwable failure) {
        return find(failure, OneShotExit::isDatabaseType).isPresent();
    }

    static boolean isQueue(Throwable failure) {
        return find(failure, t -> t instanceof GapScanner.RetryQueueFailure
                || t instanceof RetryQueueUnreachableException).isPresent();
    }

    /** One line: the outermost message and the root cause, newlines flattened. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        String line = root == e
                ? first
                : first + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        line = line.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return line.length() <= 500 ? line : line.substring(0, 500) + "...";
    }
}
