package com.reliableedge.cloud.ingest;

import java.util.List;
import java.util.OptionalLong;

/**
 * Which offset of a partition may be committed after a polled batch of its records was handled: only past records
 * that are done (recorded, duplicate or skipped), never past one that was not (a transient failure, or not tried
 * after one), so that a record is committed only after its transaction committed and a failed one comes again.
 */
final class KafkaCommits {

    /** One polled record of a partition, in offset order, and whether it is done. */
    record Handled(long offset, boolean done) {
    }

    /**
     * @param commit the offset to commit (the next record to read), absent when the first record is not done
     * @param retryFrom where to read again: the first record not done, absent when all are done
     */
    record Plan(OptionalLong commit, OptionalLong retryFrom) {
    }

    private KafkaCommits() {
    }

    /** @param records a partition's records of one poll, offsets strictly increasing (gaps allowed), not empty */
    static Plan plan(List<Handled> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no records");
        }
        for (int i = 0; i < records.size(); i++) {
            Handled r = records.get(i);
            if (i > 0 && r.offset() <= records.get(i - 1).offset()) {
                throw new IllegalArgumentException("offsets must increase: " + records.get(i - 1).offset() + ", "
                        + r.offset());
            }
            if (!r.done()) {
                return new Plan(i == 0 ? OptionalLong.empty() : OptionalLong.of(r.offset()), OptionalLong.of(r
                        .offset()));
            }
        }
        return new Plan(OptionalLong.of(records.get(records.size() - 1).offset() + 1), OptionalLong.empty());
    }
}
