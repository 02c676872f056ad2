package com.reliableedge.cloud.scan;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one stream's share of a scan so that its failure stays its own: any {@link RuntimeException}, and also an
 * {@link OutOfMemoryError} or {@link StackOverflowError}, is handed to {@code onFailure} and the scan goes on with
 * the next stream. The two errors are caught only for this isolation: planning is bounded (it never allocates in
 * proportion to a window's width), so such an error comes from this one stream's work, whose allocations are
 * garbage once it unwinds. Other errors propagate. A process run with {@code -XX:+ExitOnOutOfMemoryError} exits
 * before any of this, which a supervisor then restarts.
 */
final class StreamIsolation {

    private StreamIsolation() {
    }

    /** The work's result, or empty when it failed (after {@code onFailure} saw the failure). */
    static <T> Optional<T> run(Supplier<T> work, Consumer<Throwable> onFailure) {
        try {
            return Optional.ofNullable(work.get());
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            onFailure.accept(e);
            return Optional.empty();
        }
    }
}
