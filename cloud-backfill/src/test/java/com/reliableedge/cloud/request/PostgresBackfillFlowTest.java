package com.reliableedge.cloud.request;

import com.reliableedge.cloud.testing.PostgresProfile;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link BackfillFlowTest} on PostgreSQL. */
@QuarkusTest
@TestProfile(PostgresProfile.class)
class PostgresBackfillFlowTest extends BackfillFlowTest {
}
