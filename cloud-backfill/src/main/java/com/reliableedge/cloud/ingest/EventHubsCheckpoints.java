package com.reliableedge.cloud.ingest;

import java.util.List;
import java.util.Optional;

import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;

/**
 * Where the Event Hubs ingest keeps its checkpoints and partition ownership: Azure Blob storage, through the SDK's
 * {@link BlobCheckpointStore} (one blob per partition, claimed with ETags), and which event of a partition may be
 * checkpointed.
 */
public final class EventHubsCheckpoints {

    private EventHubsCheckpoints() {
    }

    /** The container's client; the service version is pinned (Azurite, in the tests, accepts it). */
    public static BlobContainerAsyncClient container(String connectionString, String container) {
        return new BlobContainerClientBuilder().connectionString(connectionString).containerName(container)
                .serviceVersion(BlobServiceVersion.V2025_11_05).buildAsyncClient();
    }

    /** The checkpoint store on {@code container}, which is created when missing (the store itself needs it). */
    public static BlobCheckpointStore store(BlobContainerAsyncClient container) {
        container.createIfNotExists().block();
        return new BlobCheckpointStore(container);
    }

    /**
     * The position, in a partition's batch, of the last event that may be checkpointed: a checkpoint says every
     * event up to it is done (committed, duplicate or skipped), so it is the end of the longest done prefix; -1 when
     * the first event is not done. Events after a pending one are never covered, even if done: they come again.
     */
    public static int lastCheckpointable(List<Boolean> done) {
        int last = -1;
        for (Boolean d : done) {
            if (!Boolean.TRUE.equals(d)) {
                break;
            }
            last++;
        }
        return last;
    }

    /**
     * Whether {@code name} is a valid Blob container name: 3 to 63 characters of lower-case letters, digits and
     * hyphens, starting and ending with a letter or digit, no two hyphens in a row. Empty when valid, else why not.
     */
    public static Optional<String> invalidContainerName(String name) {
        if (name == null || name.length() < 3 || name.length() > 63) {
            return Optional.of("must be 3 to 63 characters long");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!letterOrDigit && c != '-') {
                return Optional.of("may hold only lower-case letters, digits and hyphens");
            }
            if (c == '-' && (i == 0 || i == name.length() - 1 || name.charAt(i - 1) == '-')) {
                return Optional.of("must start and end with a letter or digit, without two hyphens in a"
                        + " row");
            }
        }
        return Optional.empty();
    }
}
