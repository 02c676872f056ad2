package com.reliableedge.cloud.ingest;

import com.reliableedge.cloud.testing.PostgresProfile;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link GroupCommitTest} on PostgreSQL. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresGroupCommitTest extends GroupCommitTest {
}
