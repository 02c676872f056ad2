package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The Event Hubs ingest's decisions: what may be checkpointed, valid containers, readiness. */
class EventHubsCheckpointsProperties {

    @Property
    void theCheckpointCoversExactlyTheLongestDonePrefix(@ForAll @Size(max = 64) List<Boolean> done) {
        int last = EventHubsCheckpoints.lastCheckpointable(done);
        assertThat(last).isBetween(-1, done.size() - 1);
        // Everything it covers is done ...
        assertThat(done.subList(0, last + 1)).allMatch(d -> d);
        // ... and it stops at the first event that is not: nothing after a pending event is ever covered.
        if (last + 1 < done.size()) {
            assertThat(done.get(last + 1)).isFalse();
        }
    }

    @Property
    void aBatchAllDoneIsCheckpointedAtItsLastEvent(
            @ForAll @Size(min = 1, max = 64) List<@net.jqwik.api.From("trues") Boolean> done) {
        assertThat(EventHubsCheckpoints.lastCheckpointable(done)).isEqualTo(done.size() - 1);
    }

    @Provide
    Arbitrary<Boolean> trues() {
        return Arbitraries.just(true);
    }

    @Property
    void containerNamesFollowAzuresRule(@ForAll("names") String name) {
        boolean valid = name.matches("[a-z0-9](?:-?[a-z0-9])*") && name.length() >= 3 && name.length() <= 63;
        assertThat(EventHubsCheckpoints.invalidContainerName(name).isEmpty()).as(name).isEqualTo(valid);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab9-A_").ofMinLength(0).ofMaxLength(70);
    }

    @Property
    void anErrorMakesItUnreadyUntilASuccessAfterItOrAQuietSpell(@ForAll @LongRange(min = 0, max = 1_000) long error,
            @ForAll @LongRange(min = 0, max = 1_000) long success, @ForAll @LongRange(min = 0, max = 1_000) long now,
            @ForAll @LongRange(min = 1, max = 300) long quiet) {
        Instant start = Instant.EPOCH;
        Instant errorAt = start.plusSeconds(error);
        Instant successAt = start.plusSeconds(success);
        Instant at = start.plusSeconds(Math.max(now, Math.max(error, success)));
        boolean ready = EventHubsReadiness.ready(start, errorAt, successAt, at, Duration.ofSeconds(quiet));
        boolean expected = successAt.isAfter(errorAt) || !at.isBefore(errorAt.plusSeconds(quiet));
        assertThat(ready).isEqualTo(expected);
    }

    @Property
    void withoutAnyErrorItIsReadyAfterASuccessOrTheQuietSpellSinceTheStart(
            @ForAll @LongRange(min = 0, max = 1_000) long now, @ForAll @LongRange(min = 1, max = 300) long quiet) {
        Instant start = Instant.EPOCH;
        Instant at = start.plusSeconds(now);
        assertThat(EventHubsReadiness.ready(start, null, null, at, Duration.ofSeconds(quiet))).isEqualTo(now >= quiet);
        assertThat(EventHubsReadiness.ready(start, null, start.plusMillis(1), at.plusMillis(1), Duration.ofSeconds(
                quiet))).isTrue();
    }
}
