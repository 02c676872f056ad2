package com.reliableedge.cloud.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.dialect.SQLServerDialect;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;

import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.CoverageIntervalEntity;
import com.reliableedge.cloud.store.DeviceEntity;
import com.reliableedge.cloud.store.EpochMillis;
import com.reliableedge.cloud.store.EventEntity;
import com.reliableedge.cloud.store.GapEntity;
import com.reliableedge.cloud.store.LostWindowEntity;
import com.reliableedge.cloud.store.OperatorBackfillEntity;
import com.reliableedge.cloud.store.RecordedBatchEntity;
import com.reliableedge.cloud.store.RetryMessageEntity;
import com.reliableedge.cloud.store.StreamEntity;

/**
 * Hibernate ORM with the service's entities on {@link SQLServerDialect}, without a server: its JDBC connections
 * record every statement Hibernate sends and answer with the rows {@link #answer} gives (none by default; an update counts one row). This is
 * how the SQL that the ORM renders for SQL Server (row locks, {@code SKIP LOCKED}, paging, sequences) is checked on a
 * machine where no SQL Server runs. It says nothing about how a server executes that SQL.
 */
public final class OfflineSqlServer implements AutoCloseable {

    /** The SQL Server version Quarkus configures Hibernate with by default (2016, major version 13). */
    public static final String DEFAULT_MAJOR_VERSION = "13";

    private final List<String> statements = new CopyOnWriteArrayList<>();
    private final SessionFactory sessionFactory;
    private volatile Function<String, List<Object[]>> answers = sql -> List.of();
    private volatile Function<String, List<String>> labels = sql -> List.of();

    public OfflineSqlServer() {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.DIALECT, SQLServerDialect.class.getName())
                .applySetting(AvailableSettings.JAKARTA_HBM2DDL_DB_NAME, "Microsoft SQL Server")
                .applySetting(AvailableSettings.JAKARTA_HBM2DDL_DB_MAJOR_VERSION, DEFAULT_MAJOR_VERSION)
                .applySetting(AvailableSettings.ALLOW_METADATA_ON_BOOT, false)
                .applySetting(AvailableSettings.CONNECTION_PROVIDER, new Recording())
                // As the service's quarkus.hibernate-orm.mapping.id.optimizer.default=pooled-lo.
                .applySetting(AvailableSettings.PREFERRED_POOLED_OPTIMIZER, "pooled-lo")
                .applySetting(AvailableSettings.JAKARTA_HBM2DDL_DATABASE_ACTION, "none")
                .build();
        sessionFactory = new MetadataSources(registry)
                .addAnnotatedClasses(StreamEntity.class, DeviceEntity.class, RecordedBatchEntity.class,
                        EventEntity.class, CoverageIntervalEntity.class, GapEntity.class, LostWindowEntity.class,
                        BackfillRequestEntity.class, OperatorBackfillEntity.class, RetryMessageEntity.class,
                        EpochMillis.class)
                .buildMetadata().buildSessionFactory();
    }

    public SessionFactory sessionFactory() {
        return sessionFactory;
    }

    /** Every statement sent so far, in order, as Hibernate handed it to JDBC. */
    public List<String> statements() {
        return List.copyOf(statements);
    }

    public void clear() {
        statements.clear();
    }

    /** The rows each query gets: a list of rows, each an array of column values by position. */
    public void answer(Function<String, List<Object[]>> rows) {
        this.answers = rows;
    }

    /** The column labels each query's result has (none by default; a native query mapped to an entity needs them). */
    public void columns(Function<String, List<String>> columnLabels) {
        this.labels = columnLabels;
    }

    @Override
    public void close() {
        sessionFactory.close();
    }

    private final class Recording implements ConnectionProvider {

        @Override
        public Connection getConnection() {
            return proxy(Connection.class, (self, method, args) -> switch (method.getName()) {
                case "prepareStatement", "prepareCall" -> statement(PreparedStatement.class, (String) args[0]);
                case "createStatement" -> statement(Statement.class, null);
                case "isValid" -> true;
                case "unwrap" -> null;
                case "toString" -> "offline SQL Server connection";
                case "getAutoCommit" -> true;
                default -> defaultValue(method);
            });
        }

        @Override
        public void closeConnection(Connection connection) {
        }

        @Override
        public boolean supportsAggressiveRelease() {
            return false;
        }

        @Override
        public boolean isUnwrappableAs(Class<?> type) {
            return false;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
        }
    }

    private <T extends Statement> T statement(Class<T> type, String prepared) {
        return proxy(type, (self, method, args) -> {
            String sql = prepared != null
                    ? prepared
                    : args != null && args.length > 0 && args[0] instanceof String s ? s : null;
            return switch (method.getName()) {
                case "executeQuery" -> {
                    statements.add(sql);
                    yield resultSet(answers.apply(sql), labels.apply(sql));
                }
                case "executeUpdate", "executeLargeUpdate" -> {
                    statements.add(sql);
                    // One row, as a single-row insert or update expects.
                    yield method.getReturnType() == long.class ? (Object) 1L : (Object) 1;
                }
                case "execute" -> {
                    statements.add(sql);
                    yield false;
                }
                case "executeBatch" -> new int[0];
                case "getUpdateCount" -> -1;
                case "getMetaData" -> metaData(labels.apply(sql));
                default -> defaultValue(method);
            };
        });
    }

    private static ResultSet resultSet(List<Object[]> rows, List<String> labels) {
        Iterator<Object[]> it = new ArrayList<>(rows).iterator();
        Object[][] current = new Object[1][];
        boolean[] wasNull = new boolean[1];
        Map<String, Integer> columns = new HashMap<>();
        return proxy(ResultSet.class, (self, method, args) -> {
            switch (method.getName()) {
                case "next" :
                    current[0] = it.hasNext() ? it.next() : null;
                    return current[0] != null;
                case "wasNull" :
                    return wasNull[0];
                case "getMetaData" :
                    return metaData(labels);
                case "findColumn" :
                    int i = labels.indexOf((String) args[0]);
                    return i >= 0
                            ? i + 1
                            : columns.computeIfAbsent((String) args[0], name -> labels.size() + columns.size() + 1);
                default :
                    if (method.getName().startsWith("get") && args != null && args.length >= 1
                            && args[0] instanceof Integer column && current[0] != null) {
                        Object value = current[0][column - 1];
                        wasNull[0] = value == null;
                        if (value == null) {
                            return defaultValue(method);
                        }
                        Class<?> r = method.getReturnType();
                        if (r == long.class) {
                            return ((Number) value).longValue();
                        }
                        if (r == int.class) {
                            return ((Number) value).intValue();
                        }
                        return value;
                    }
                    return defaultValue(method);
            }
        });
    }

    private static ResultSetMetaData metaData(List<String> labels) {
        return proxy(ResultSetMetaData.class, (self, method, args) -> switch (method.getName()) {
            case "getColumnCount" -> labels.size();
            case "getColumnLabel", "getColumnName" -> labels.get((Integer) args[0] - 1);
            case "getColumnType" -> Types.VARCHAR;
            default -> defaultValue(method);
        });
    }

    private static final Map<Class<?>, Object> DEFAULTS = Map.of(boolean.class, false, int.class, 0, long.class, 0L,
            short.class, (short) 0, byte.class, (byte) 0, double.class, 0.0, float.class, 0.0f);

    private static Object defaultValue(Method method) {
        return DEFAULTS.get(method.getReturnType());
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(OfflineSqlServer.class.getClassLoader(), new Class<?>[]{type},
                handler);
    }
}
