package dev.stride.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh PostgreSQL database on the local server for one test run, owned by a fresh role with a random
 * password, both dropped at the end, so runs never see each other's rows and tests can look for the password in
 * logs and answers. Connects as {@code STRIDE_PG_USER} (default {@code stride_test}, which needs CREATEDB and
 * CREATEROLE; {@code deploy/stride test} makes it, and the services' own role does not get CREATEROLE) to {@code STRIDE_PG_HOST}:{@code STRIDE_PG_PORT} (default localhost:5432).
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private String host;
    private String port;
    private String user;
    private String password;
    private String database;
    private String owner;

    @Override
    public Map<String, String> start() {
        host = env("STRIDE_PG_HOST", "localhost");
        port = env("STRIDE_PG_PORT", "5432");
        user = env("STRIDE_PG_USER", "stride_test");
        password = env("STRIDE_PG_PASSWORD", "stride_test");
        database =
                "stride_test_"
                        + UUID.randomUUID()
                                .toString()
                                .replace("-", "")
                                .substring(0, 12)
                                .toLowerCase(Locale.ROOT);
        owner = database + "_owner";
        String ownerPassword = UUID.randomUUID().toString();
        try (Connection admin = adminConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + owner + " LOGIN PASSWORD '" + ownerPassword + "'");
            statement.execute("GRANT " + owner + " TO CURRENT_USER");
            statement.execute("CREATE DATABASE " + database + " OWNER " + owner);
        } catch (SQLException e) {
            String line =
                    "PostgreSQL is not reachable at "
                            + host
                            + ":"
                            + port
                            + " as role "
                            + user
                            + " ("
                            + e.getMessage().lines().findFirst().orElse("")
                            + "); `deploy/stride test` starts it and creates this role (mvn arguments after `test`"
                            + " run only those tests)";
            // Said once, plainly, before Quarkus wraps it in its start-up failure.
            System.err.println("stride: " + line);
            throw new IllegalStateException(line, e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url",
                "jdbc:postgresql://" + host + ":" + port + "/" + database,
                "quarkus.datasource.reactive.url",
                "postgresql://" + host + ":" + port + "/" + database,
                "quarkus.datasource.username",
                owner,
                "quarkus.datasource.password",
                ownerPassword);
    }

    @Override
    public void stop() {
        if (database == null) {
            return;
        }
        try (Connection admin = adminConnection();
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            statement.execute("DROP ROLE IF EXISTS " + owner);
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + database + ": " + e.getMessage());
        }
    }

    private Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/postgres?connectTimeout=5",
                user,
                password);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
