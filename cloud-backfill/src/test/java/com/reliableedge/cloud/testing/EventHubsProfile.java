package com.reliableedge.cloud.testing;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The service with the Event Hubs ingest on ({@link EventHubsResource}). */
public class EventHubsProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(EventHubsResource.class));
    }
}
