package dev.stride.executor.migration;

import java.util.Map;

/**
 * Where a release's database is and who connects to it, for {@code pg_dump} and {@code pg_restore}. The password
 * goes to the child process's environment ({@code PGPASSWORD}), never to its arguments (which {@code ps} shows)
 * and never to {@link #toString()}.
 */
public record PostgresDatabase(
        String host, int port, String database, String user, String password) {

    public PostgresDatabase {
        if (host == null || host.isBlank() || host.startsWith("-")) {
            throw new IllegalArgumentException("host must be a host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be from 1 to 65535");
        }
        if (database == null || database.isBlank() || database.startsWith("-")) {
            throw new IllegalArgumentException("database must be a database name");
        }
        if (user == null || user.isBlank() || user.startsWith("-")) {
            throw new IllegalArgumentException("user must be a role name");
        }
    }

    /** The libpq environment of a child process: the password, no prompt, a connect deadline. */
    Map<String, String> environment(int connectTimeoutSeconds) {
        return password == null
                ? Map.of("PGCONNECT_TIMEOUT", String.valueOf(connectTimeoutSeconds))
                : Map.of(
                        "PGPASSWORD",
                        password,
                        "PGCONNECT_TIMEOUT",
                        String.valueOf(connectTimeoutSeconds));
    }

    /** The JDBC URL: host, port and database only (the credentials go as properties). */
    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
