package com.reliableedge.cloud.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** The pure decisions of the Azure Storage Queue retry queue. */
class AzureQueueDecisionsProperties {

    private static final long MAX = AzureQueueDecisions.MAX_VISIBILITY.getSeconds();

    @Property
    void aVisibilityIsWholeSecondsWithinAzuresBoundsAndNeverShorterThanAskedBelowTheMaximum(
            @ForAll @LongRange(min = -1_000_000_000L, max = 2_000_000_000_000L) long millis,
            @ForAll @LongRange(min = 0, max = 1) long min) {
        Duration asked = Duration.ofMillis(millis);
        long seconds = AzureQueueDecisions.visibilitySeconds(asked, min);
        assertThat(seconds).isBetween(min, MAX);
        if (asked.compareTo(AzureQueueDecisions.MAX_VISIBILITY) <= 0) {
            assertThat(Duration.ofSeconds(seconds)).isGreaterThanOrEqualTo(asked);
            // Rounded up by less than a second, or lifted to the minimum.
            assertThat(seconds == min || Duration.ofSeconds(seconds - 1).compareTo(asked) < 0).isTrue();
        } else {
            assertThat(seconds).isEqualTo(MAX);
        }
    }

    @Example
    void wholeSecondsStayAsTheyAre() {
        assertThat(AzureQueueDecisions.visibilitySeconds(Duration.ofHours(3), 0)).isEqualTo(10_800);
        assertThat(AzureQueueDecisions.visibilitySeconds(Duration.ZERO, 0)).isZero();
        assertThat(AzureQueueDecisions.visibilitySeconds(Duration.ZERO, 1)).isEqualTo(1);
        assertThat(AzureQueueDecisions.visibilitySeconds(Duration.ofMillis(1), 0)).isEqualTo(1);
    }

    @Property
    void aMessageIsPoisonExactlyWhenItWasReceivedMoreTimesThanTheAttempts(
            @ForAll @LongRange(min = 1, max = 10_000) long dequeueCount,
            @ForAll @IntRange(min = 1, max = 100) int max) {
        assertThat(AzureQueueDecisions.isPoison(dequeueCount, max)).isEqualTo(dequeueCount > max);
        assertThat(AzureQueueDecisions.isPoison(max, max)).as("the last attempt is still delivered").isFalse();
        assertThat(AzureQueueDecisions.isPoison(max + 1L, max)).isTrue();
    }

    @Property
    void aValidNameGivesValidQueueAndPoisonNames(@ForAll @StringLength(min = 0, max = 80) String name) {
        if (AzureQueueDecisions.invalidQueueName(name).isEmpty()) {
            for (String n : new String[]{name, AzureQueueDecisions.poisonName(name)}) {
                assertThat(n).hasSizeBetween(3, 63).matches("[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*");
            }
        }
    }

    @Example
    void namesAreCheckedAsAzureDoes() {
        assertThat(AzureQueueDecisions.invalidQueueName("backfill-retry")).isEmpty();
        assertThat(AzureQueueDecisions.invalidQueueName("Backfill")).hasValueSatisfying(
                why -> assertThat(why).contains("lower-case"));
        assertThat(AzureQueueDecisions.invalidQueueName("a--b")).isPresent();
        assertThat(AzureQueueDecisions.invalidQueueName("-ab")).isPresent();
        assertThat(AzureQueueDecisions.invalidQueueName("ab-")).isPresent();
        assertThat(AzureQueueDecisions.invalidQueueName("ab")).hasValueSatisfying(
                why -> assertThat(why).contains("3 to 56"));
        assertThat(AzureQueueDecisions.invalidQueueName("a".repeat(57))).isPresent();
        assertThat(AzureQueueDecisions.invalidQueueName("a".repeat(56))).isEmpty();
    }
}
