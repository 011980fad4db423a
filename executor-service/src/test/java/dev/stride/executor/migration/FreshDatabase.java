package dev.stride.executor.migration;

import dev.stride.testing.PostgresTestResource;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, database.user(), database.password());
    }

    /** The columns of {@code table}, sorted and joined with ','; null when it has none. */
    String columns(String table) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM "
                                        + "information_schema.columns WHERE table_name = ?")) {
            s.setString(1, table);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** Runs one statement in the database. */
    void execute(String statement) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** The first column of the first row of {@code query}, as a number (a count, say). */
    long count(String query) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The tables of the public schema. */
    List<String> tables() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rows =
                        s.executeQuery(
                                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    void drop() {
        postgres.stop();
    }

    /** A password made up for one test, never a real one. */
    static String madeUpPassword() {
        return "test-only-" + UUID.randomUUID();
    }
}
