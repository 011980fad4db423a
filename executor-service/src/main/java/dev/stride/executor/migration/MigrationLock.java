package dev.stride.executor.migration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * One migration per database at a time, across deployments, executor replicas and Stride installs: a session-level
 * PostgreSQL advisory lock taken in the database being migrated, held on its own connection for the whole backup
 * and migration. Taken with {@code pg_try_advisory_lock}, never waited for on a thread: a held lock is reported and
 * the phase checks again later. A process that dies (kill -9 included) loses its connection and so the lock.
 */
public final class MigrationLock implements AutoCloseable {

    /** The advisory lock key: "StrideMg" in ASCII. Flyway's own lock uses another key. */
    static final long KEY = 0x5374726964654d67L;

    private final Connection connection;

    private MigrationLock(Connection connection) {
        this.connection = connection;
    }

    /** The database did not answer, refused the login, or is not there. */
    public static final class Unreachable extends Exception {
        public Unreachable(String message) {
            super(message);
        }
    }

    /**
     * The lock of {@code database}, or empty when another migration holds it. Connecting and each statement are
     * bounded by {@code deadline}.
     */
    public static java.util.Optional<MigrationLock> tryLock(
            PostgresDatabase database, Duration deadline) throws Unreachable {
        long seconds = Math.max(1, Math.min(30, deadline.toSeconds()));
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        if (database.password() != null) {
            properties.setProperty("password", database.password());
        }
        properties.setProperty("connectTimeout", String.valueOf(seconds));
        properties.setProperty("loginTimeout", String.valueOf(seconds));
        // The connection stays open (idle) while the backup and the migration run; the socket
        // timeout is for the lock's statements only, so it is switched off once the lock is held.
        properties.setProperty("socketTimeout", String.valueOf(seconds));
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "stride-executor-migration-lock");
        String url =
                "jdbc:postgresql://"
                        + database.host()
                        + ":"
                        + database.port()
                        + "/"
                        + database.database();
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw new Unreachable(
                    "cannot connect to "
                            + database
                            + ": "
                            + masked(e.getMessage(), database.password()));
        }
        try (PreparedStatement lock =
                connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, KEY);
            try (ResultSet rows = lock.executeQuery()) {
                rows.next();
                if (!rows.getBoolean(1)) {
                    connection.close();
                    return java.util.Optional.empty();
                }
            }
            connection.setNetworkTimeout(Runnable::run, 0);
            return java.util.Optional.of(new MigrationLock(connection));
        } catch (SQLException e) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection: the server ends the session and its lock anyway.
            }
            throw new Unreachable(
                    "cannot take the migration lock of "
                            + database
                            + ": "
                            + masked(e.getMessage(), database.password()));
        }
    }

    /** Releases the lock by ending its session. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // The session is gone either way, and the lock with it.
        }
    }

    static String masked(String message, String password) {
        String text = String.valueOf(message);
        return password == null || password.isEmpty() ? text : text.replace(password, "****");
    }
}
