package com.reliableedge.cloud.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs the health test against the packaged application. */
@QuarkusIntegrationTest
class HealthResourceIT extends HealthResourceTest {
}
