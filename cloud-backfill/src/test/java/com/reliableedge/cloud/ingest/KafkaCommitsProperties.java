package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link KafkaCommits}: the committed offset never passes a record that is not done, passes every done record before
 * the first one that is not, and the partition is read again exactly from that one.
 */
class KafkaCommitsProperties {

    @Provide
    Arbitrary<List<KafkaCommits.Handled>> partitions() {
        Arbitrary<Long> first = Arbitraries.longs().between(0, 1_000_000_000L);
        Arbitrary<List<Long>> steps = Arbitraries.longs().between(1, 3).list().ofMinSize(1).ofMaxSize(50);
        Arbitrary<List<Boolean>> done = Arbitraries.of(true, true, true, false).list().ofSize(50);
        return Combinators.combine(first, steps, done).as((f, s, d) -> {
            List<KafkaCommits.Handled> records = new ArrayList<>();
            long offset = f;
            for (int i = 0; i < s.size(); i++) {
                records.add(new KafkaCommits.Handled(offset, d.get(i)));
                offset += s.get(i);
            }
            return records;
        });
    }

    @Property
    void neverCommitsPastARecordThatIsNotDoneAndCommitsEveryDoneOneBeforeIt(
            @ForAll("partitions") List<KafkaCommits.Handled> records) {
        KafkaCommits.Plan plan = KafkaCommits.plan(records);
        long firstNotDone = records.stream().filter(r -> !r.done()).mapToLong(KafkaCommits.Handled::offset)
                .findFirst().orElse(Long.MAX_VALUE);
        if (plan.commit().isPresent()) {
            long commit = plan.commit().getAsLong();
            assertThat(commit).isGreaterThan(records.get(0).offset()).isLessThanOrEqualTo(firstNotDone);
            // Everything below the committed offset is done; nothing done before the first failure is left out.
            assertThat(records).filteredOn(r -> r.offset() < commit).allMatch(KafkaCommits.Handled::done);
            assertThat(records).filteredOn(r -> r.offset() < firstNotDone).allMatch(r -> r.offset() < commit);
        } else {
            assertThat(records.get(0).done()).isFalse();
        }
    }

    @Property
    void readsAgainFromTheFirstRecordNotDoneAndOnlyThen(@ForAll("partitions") List<KafkaCommits.Handled> records) {
        KafkaCommits.Plan plan = KafkaCommits.plan(records);
        boolean allDone = records.stream().allMatch(KafkaCommits.Handled::done);
        assertThat(plan.retryFrom().isPresent()).isEqualTo(!allDone);
        if (allDone) {
            assertThat(plan.commit()).hasValue(records.get(records.size() - 1).offset() + 1);
        } else {
            long retry = plan.retryFrom().getAsLong();
            assertThat(records).filteredOn(r -> r.offset() == retry).singleElement().matches(r -> !r.done());
            // What is committed and where reading starts again meet: nothing is skipped, nothing lost.
            plan.commit().ifPresent(c -> assertThat(c).isEqualTo(retry));
        }
    }

    @Example
    void offsetsMustIncrease() {
        assertThatThrownBy(() -> KafkaCommits.plan(List.of(new KafkaCommits.Handled(5, true),
                new KafkaCommits.Handled(5, true)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KafkaCommits.plan(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
