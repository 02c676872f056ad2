package com.reliableedge.cloud.health;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;

/**
 * Tells a failure of the database (full disk, closed or read-only database, lost connection, lock timeout, a
 * transaction that could not commit) from a bug: the first is worth a retry by the sender (503), the second is not.
 */
public final class DatabaseFaults {

    private DatabaseFaults() {
    }

    /** Whether {@code e} or one of its causes comes from the database, its driver, pool or transaction manager. */
    public static boolean isDatabaseFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof PersistenceException
                    || t instanceof jakarta.transaction.RollbackException
                    || t instanceof jakarta.transaction.SystemException
                    || t instanceof jakarta.transaction.HeuristicMixedException
                    || t instanceof jakarta.transaction.HeuristicRollbackException
                    || t instanceof io.quarkus.narayana.jta.QuarkusTransactionException) {
                return true;
            }
        }
        return false;
    }
}
