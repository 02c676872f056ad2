package com.reliableedge.cloud.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** The pure decisions of {@link AzureStorageRetryQueue}: timeouts in Azure's units, poison, queue names. */
public final class AzureQueueDecisions {

    /** Azure's longest visibility timeout (and initial delay). */
    public static final Duration MAX_VISIBILITY = Duration.ofDays(7);

    /** The poison queue is the retry queue's name with this suffix. */
    public static final String POISON_SUFFIX = "-poison";

    /** Lower-case letters, digits and single hyphens, starting and ending with a letter or digit. */
    private static final Pattern QUEUE_NAME = Pattern.compile("[a-z0-9](?:-?[a-z0-9])*");

    private AzureQueueDecisions() {
    }

    /**
     * {@code d} in whole seconds, as Azure takes it: rounded up, so a message never shows before its delay, at least
     * {@code minSeconds} (a receive hides for one second at least), at most {@link #MAX_VISIBILITY}. A longer delay
     * is cut to the maximum; the consumer then finds the request not yet due and hides the message again.
     */
    public static long visibilitySeconds(Duration d, long minSeconds) {
        if (d.isNegative() || d.isZero()) {
            return minSeconds;
        }
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.min(Math.max(seconds, minSeconds), MAX_VISIBILITY.getSeconds());
    }

    /**
     * Whether a message received {@code dequeueCount} times (this time included) has used up its attempts and goes
     * to the poison queue instead of to the consumer.
     */
    public static boolean isPoison(long dequeueCount, int maxAttempts) {
        return dequeueCount > maxAttempts;
    }

    /** The poison queue of {@code name}. */
    public static String poisonName(String name) {
        return name + POISON_SUFFIX;
    }

    /**
     * Why {@code name} cannot name an Azure queue together with its poison queue (3 to 63 characters: lower-case
     * letters, digits, single hyphens inside), or empty when it can.
     */
    public static Optional<String> invalidQueueName(String name) {
        int max = 63 - POISON_SUFFIX.length();
        if (name.length() < 3 || name.length() > max) {
            return Optional.of("must be 3 to " + max + " characters long (the poison queue appends '"
                    + POISON_SUFFIX + "')");
        }
        if (!QUEUE_NAME.matcher(name).matches()) {
            return Optional.of("may hold only lower-case letters, digits and single hyphens, and must start and end"
                    + " with a letter or digit");
        }
        return Optional.empty();
    }
}
