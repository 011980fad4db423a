package dev.stride.planner;

import io.quarkus.arc.Arc;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;

/** Direct reads of the planner's tables, for what a test must see beneath the API (outbox, processed events). */
public final class Sql {

    private Sql() {}

    /** The first column of every row, as text. */
    public static java.util.List<String> strings(String sql, Object... params) {
        java.util.List<String> values = new java.util.ArrayList<>();
        Arc.container()
                .instance(Pool.class)
                .get()
                .preparedQuery(sql)
                .execute(Tuple.from(java.util.Arrays.asList(params)))
                .await()
                .atMost(Duration.ofSeconds(10))
                .forEach(row -> values.add(String.valueOf(row.getValue(0))));
        return values;
    }

    public static long count(String sql, Object... params) {
        return Arc.container()
                .instance(Pool.class)
                .get()
                .preparedQuery(sql)
                .execute(Tuple.from(java.util.Arrays.asList(params)))
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getLong(0);
    }
}
