package com.reliableedge.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.id.IdentifierGenerator;
import org.hibernate.metamodel.mapping.SelectableConsumer;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.Test;

import com.reliableedge.cloud.config.SqlDialect;
import com.reliableedge.cloud.testing.Database;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Pins the tables written with JDBC ({@link JdbcBatchStore}) to their entities: each statement writes exactly the
 * columns Hibernate maps, each bound as the type Hibernate binds, so a column added to an entity cannot be forgotten
 * by the JDBC writer; and ids taken by {@link IdBlocks} never meet ids Hibernate's generator hands out.
 */
@QuarkusTest
class JdbcBatchStoreMappingTest {

    @Inject
    SessionFactory sessionFactory;

    @Inject
    SqlDialect sql;

    @Test
    void recordedBatchesAreWrittenWithEveryMappedColumnAsItsMappedType() {
        assertWritesAsMapped(JdbcBatchStore.BATCHES, RecordedBatchEntity.class);
    }

    @Test
    void eventsAreWrittenWithEveryMappedColumnAsItsMappedType() {
        assertWritesAsMapped(JdbcBatchStore.EVENTS, EventEntity.class);
    }

    @Test
    void idBlocksFollowTheEntitiesGeneratorAndNeverMeetItsIds() {
        SessionFactoryImplementor factory = sessionFactory.unwrap(SessionFactoryImplementor.class);
        IdBlocks.Layout layout = IdBlocks.Layout.of(factory, RecordedBatchEntity.class, sql);
        assertThat(layout.sequence()).isEqualTo("backfill_id_seq");
        assertThat(layout.blockSize()).isEqualTo(50);
        assertThat(IdBlocks.Layout.of(factory, EventEntity.class, sql)).isEqualTo(layout);

        Set<Long> ids = new TreeSet<>();
        QuarkusTransaction.requiringNew().run(() -> {
            SharedSessionContractImplementor session = Database.em().unwrap(SharedSessionContractImplementor.class);
            IdentifierGenerator generator = (IdentifierGenerator) factory.getMappingMetamodel()
                    .getEntityDescriptor(GapEntity.class).getGenerator();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 70; i++) {
                    assertThat(ids.add((Long) generator.generate(session, null))).as("Hibernate's id").isTrue();
                }
                session.doWork(c -> {
                    IdBlocks block = IdBlocks.reserve(c, layout, 120);
                    for (int i = 0; i < 120; i++) {
                        long id = block.next();
                        assertThat(ids.add(id)).as("IdBlocks' id %d", id).isTrue();
                    }
                });
            }
        });
        assertThat(ids).hasSize(3 * (70 + 120));
    }

    private void assertWritesAsMapped(JdbcBatchStore.Table<?> table, Class<?> entity) {
        EntityPersister persister = sessionFactory.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
                .getEntityDescriptor(entity);
        assertThat(persister.getIdentifierTableName()).isEqualTo(table.name());
        Map<String, Class<?>> mapped = new LinkedHashMap<>();
        SelectableConsumer collect = (i, column) -> mapped.put(column.getSelectionExpression(), boundAs(column
                .getJdbcMapping().getJdbcJavaType().getJavaTypeClass()));
        persister.getIdentifierMapping().forEachSelectable(collect);
        persister.forEachSelectable(collect);
        Map<String, Class<?>> written = table.columns().stream().collect(Collectors.toMap(
                JdbcBatchStore.Column::name, JdbcBatchStore.Column::type, (a, b) -> a, LinkedHashMap::new));
        assertThat(written).as("columns of %s written with JDBC, and the types bound", table.name())
                .containsExactlyInAnyOrderEntriesOf(mapped);
        assertThat(written).hasSameSizeAs(table.columns());
    }

    /** The type a JDBC statement binds for a column Hibernate binds as {@code type}: an enum goes by its name. */
    private static Class<?> boundAs(Class<?> type) {
        if (type.isEnum()) {
            return String.class;
        }
        return List.of(long.class, int.class, boolean.class).contains(type)
                ? Map.of(long.class, Long.class, int.class, Integer.class, boolean.class, Boolean.class).get(type)
                : type;
    }
}
