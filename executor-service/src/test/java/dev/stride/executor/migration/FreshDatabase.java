package dev.stride.executor.migration;

import dev.stride.testing.PostgresTestResource;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

/** A fresh database and owner on the local PostgreSQL (test-support), as a {@link PostgresDatabase}. */
final class FreshDatabase {

    private final PostgresTestResource postgres = new PostgresTestResource();
    final PostgresDatabase database;
    final String jdbcUrl;

    FreshDatabase() {
        Map<String, String> config = postgres.start();
        jdbcUrl = config.get("quarkus.datasource.jdbc.url");
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        database =
                new PostgresDatabase(
                        uri.getHost(),
                        uri.getPort(),
                        uri.getPath().substring(1),
                        config.get("quarkus.datasource.username"),
                        config.get("quarkus.datasource.password"));
    }

    void drop() {
        postgres.stop();
    }

    /** A password made up for one test, never a real one. */
    static String madeUpPassword() {
        return "test-only-" + UUID.randomUUID();
    }
}
