package com.reliableedge.cloud.testing;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Runs a {@code @QuarkusTest} with {@code backfill.queue.kind=azure-storage-queue} on an Azurite it starts. */
public class AzureQueueProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(AzuriteResource.class));
    }
}
