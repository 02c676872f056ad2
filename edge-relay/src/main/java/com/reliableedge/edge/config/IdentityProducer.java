package com.reliableedge.edge.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The relay's {@link DeviceIdentity}, read once from the configuration. */
@ApplicationScoped
public class IdentityProducer {

    @Produces
    @Singleton
    DeviceIdentity identity(RelayConfig config) {
        return DeviceIdentity.of(config);
    }
}
