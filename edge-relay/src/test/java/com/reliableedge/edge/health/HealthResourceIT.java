package com.reliableedge.edge.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs the health test against the packaged application. */
@QuarkusIntegrationTest
class HealthResourceIT extends HealthResourceTest {
}
