package com.reliableedge.cloud.config;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/**
 * On SQL Server, warns at startup when the database's collation would merge ids that differ in case or drop
 * characters of events ({@link SqlDialect#collationProblem}). A warning, not a failure: the check was never run
 * against a server, and a wrong check must not keep a working service from starting.
 */
@ApplicationScoped
public class DatabaseCollationCheck {

    private final AgroalDataSource dataSource;
    private final SqlDialect sql;

    public DatabaseCollationCheck(AgroalDataSource dataSource, SqlDialect sql) {
        this.dataSource = dataSource;
        this.sql = sql;
    }

    void onStart(@Observes StartupEvent event) {
        String query = sql.collationQuery();
        if (query == null) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            Optional<String> problem = SqlDialect.collationProblem(rs.next() ? rs.getString(1) : null);
            problem.ifPresent(p -> Log.warnf("%s", p));
        } catch (SQLException e) {
            Log.warnf("cannot read the database's collation (SQLState %s)", e.getSQLState());
        }
    }
}
