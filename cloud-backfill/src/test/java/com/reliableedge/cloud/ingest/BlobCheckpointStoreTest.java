package com.reliableedge.cloud.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import com.reliableedge.fixtures.Azurite;

/**
 * The SDK's {@code BlobCheckpointStore}, as the Event Hubs ingest opens it ({@link EventHubsCheckpoints}), against a
 * real Azurite blob service: ownership claimed with ETags (a stale claim loses), checkpoints written and listed per
 * partition, and both surviving a restart of the storage.
 */
class BlobCheckpointStoreTest {

    private static final String NS = "hub.servicebus.windows.net";
    private static final String HUB = "iothub-ehub-test";

    @TempDir
    static Path dir;

    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.startBlob(dir.resolve("azurite"));
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    private static CheckpointStore store(String container) {
        return EventHubsCheckpoints.store(EventHubsCheckpoints.container(azurite.connectionString(), container));
    }

    private static PartitionOwnership ownership(String group, String partition, String owner, String eTag) {
        return new PartitionOwnership().setFullyQualifiedNamespace(NS).setEventHubName(HUB).setConsumerGroup(group)
                .setPartitionId(partition).setOwnerId(owner).setETag(eTag);
    }

    private static Checkpoint checkpoint(String group, String partition, long sequenceNumber, String offset) {
        return new Checkpoint().setFullyQualifiedNamespace(NS).setEventHubName(HUB).setConsumerGroup(group)
                .setPartitionId(partition).setSequenceNumber(sequenceNumber).setOffsetString(offset);
    }

    @Test
    void ownershipIsClaimedOnceAndAStaleClaimLoses() {
        CheckpointStore a = store("claims");
        CheckpointStore b = store("claims");
        List<PartitionOwnership> claimed = a.claimOwnership(List.of(ownership("g1", "0", "instance-a", null),
                ownership("g1", "1", "instance-a", null))).collectList().block();
        assertThat(claimed).extracting(PartitionOwnership::getPartitionId).containsExactlyInAnyOrder("0", "1");
        assertThat(claimed).allSatisfy(o -> assertThat(o.getETag()).isNotBlank());

        // A second instance that read nothing (no ETag) cannot create the same ownership again.
        assertThat(b.claimOwnership(List.of(ownership("g1", "0", "instance-b", null))).collectList().block())
                .isEmpty();

        // With the current ETag it takes partition 1 over; the first instance's ETag is then stale.
        List<PartitionOwnership> listed = b.listOwnership(NS, HUB, "g1").collectList().block();
        assertThat(listed).extracting(PartitionOwnership::getOwnerId).containsOnly("instance-a");
        PartitionOwnership one = listed.stream().filter(o -> o.getPartitionId().equals("1")).findFirst()
                .orElseThrow();
        String staleETag = one.getETag();
        assertThat(b.claimOwnership(List.of(ownership("g1", "1", "instance-b", staleETag))).collectList().block())
                .hasSize(1);
        assertThat(a.claimOwnership(List.of(ownership("g1", "1", "instance-a", staleETag))).collectList().block())
                .isEmpty();
        assertThat(a.listOwnership(NS, HUB, "g1").collectList().block()).extracting(
                PartitionOwnership::getPartitionId, PartitionOwnership::getOwnerId).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("0", "instance-a"), org.assertj.core.groups.Tuple.tuple(
                                "1", "instance-b"));
    }

    @Test
    void checkpointsAreWrittenListedPerPartitionAndMoveForward() {
        CheckpointStore store = store("checkpoints");
        assertThat(store.listCheckpoints(NS, HUB, "g2").collectList().block()).isEmpty();
        store.updateCheckpoint(checkpoint("g2", "0", 7, "3584")).block();
        store.updateCheckpoint(checkpoint("g2", "3", 1, "512")).block();
        store.updateCheckpoint(checkpoint("g2", "0", 9, "4608")).block();
        // Another consumer group keeps its own.
        store.updateCheckpoint(checkpoint("other", "0", 1, "0")).block();

        List<Checkpoint> listed = store.listCheckpoints(NS, HUB, "g2").collectList().block();
        assertThat(listed).extracting(Checkpoint::getPartitionId, Checkpoint::getSequenceNumber,
                Checkpoint::getOffsetString).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("0", 9L,
                                "4608"),
                        org.assertj.core.groups.Tuple.tuple("3", 1L, "512"));
    }

    @Test
    void ownershipAndCheckpointsSurviveARestartOfTheStorage() {
        CheckpointStore store = store("restarts");
        store.claimOwnership(List.of(ownership("g3", "2", "instance-a", null))).collectList().block();
        store.updateCheckpoint(checkpoint("g3", "2", 41, "20992")).block();

        azurite.restart();

        CheckpointStore reopened = store("restarts");
        assertThat(reopened.listCheckpoints(NS, HUB, "g3").collectList().block()).singleElement().satisfies(c -> {
            assertThat(c.getSequenceNumber()).isEqualTo(41L);
            assertThat(c.getOffsetString()).isEqualTo("20992");
        });
        assertThat(reopened.listOwnership(NS, HUB, "g3").collectList().block()).singleElement().satisfies(
                o -> assertThat(o.getOwnerId()).isEqualTo("instance-a"));
        // And the store writes again after the restart.
        reopened.updateCheckpoint(checkpoint("g3", "2", 42, "21504")).block();
        assertThat(store.listCheckpoints(NS, HUB, "g3").collectList().block()).singleElement().satisfies(
                c -> assertThat(c.getSequenceNumber()).isEqualTo(42L));
    }
}
