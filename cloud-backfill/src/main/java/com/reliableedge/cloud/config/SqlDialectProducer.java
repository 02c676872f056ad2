package com.reliableedge.cloud.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@link SqlDialect} of the configured datasource, the one place where the kind of database picks SQL. */
@ApplicationScoped
public class SqlDialectProducer {

    @Produces
    @Singleton
    SqlDialect sqlDialect(@ConfigProperty(name = "quarkus.datasource.db-kind") String dbKind) {
        return SqlDialect.of(dbKind);
    }
}
