package com.reliableedge.cloud.ingest;

import com.reliableedge.cloud.testing.PostgresProfile;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link IngestResourceTest} on PostgreSQL. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresIngestResourceTest extends IngestResourceTest {
}
