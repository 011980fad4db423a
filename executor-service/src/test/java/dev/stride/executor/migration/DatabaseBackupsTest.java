package dev.stride.executor.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.executor.migration.DatabaseBackups.Backup;
import dev.stride.executor.migration.DatabaseBackups.BackupException;
import dev.stride.testing.BlackHole;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real pg_dump and pg_restore against a fresh database on the local PostgreSQL. */
class DatabaseBackupsTest {

    private static FreshDatabase fresh;
    private static PostgresDatabase database;
    private static String jdbcUrl;

    private final DatabaseBackups backups = new DatabaseBackups();

    @TempDir Path directory;

    @BeforeAll
    static void database() {
        fresh = new FreshDatabase();
        database = fresh.database;
        jdbcUrl = fresh.jdbcUrl;
    }

    @AfterAll
    static void drop() {
        fresh.drop();
    }

    @Test
    void aBackupIsACustomFormatDumpWithItsSizeAndSha256AndRestoresTheDatabaseAsItWas()
            throws Exception {
        sql(
                "DROP TABLE IF EXISTS orders",
                "CREATE TABLE orders (id INT PRIMARY KEY, item TEXT NOT NULL)",
                "INSERT INTO orders SELECT g, 'item-' || g FROM generate_series(1, 5000) g");

        Backup backup =
                backups.backup(database, directory, "checkout-2.4.0", Duration.ofSeconds(60));

        assertThat(backup.file()).isEqualTo(directory.resolve("checkout-2.4.0.dump"));
        assertThat(backup.bytes()).isEqualTo(Files.size(backup.file())).isPositive();
        assertThat(backup.sha256()).isEqualTo(independentSha256(backup.file()));
        try (InputStream in = Files.newInputStream(backup.file())) {
            assertThat(new String(in.readNBytes(5), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("PGDMP"); // pg_dump's custom format
        }
        assertThat(directory.resolve("checkout-2.4.0.dump.partial")).doesNotExist();

        // What a bad migration does: the data and the schema change after the backup.
        sql("DELETE FROM orders WHERE id > 10", "ALTER TABLE orders ADD COLUMN broken INT");
        backups.restore(database, backup, Duration.ofSeconds(60));

        assertThat(single("SELECT count(*) FROM orders")).isEqualTo(5000L);
        assertThat(
                        single(
                                "SELECT count(*) FROM information_schema.columns"
                                        + " WHERE table_name = 'orders' AND column_name = 'broken'"))
                .isZero();
    }

    @Test
    void aBackupIsNeverOverwrittenAndATamperedOneIsNotRestored() throws Exception {
        sql("CREATE TABLE IF NOT EXISTS kept (id INT)");
        Backup backup = backups.backup(database, directory, "kept", Duration.ofSeconds(60));
        assertThatThrownBy(
                        () -> backups.backup(database, directory, "kept", Duration.ofSeconds(60)))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("exists already");

        Files.write(backup.file(), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        sql("INSERT INTO kept VALUES (1)");
        assertThatThrownBy(() -> backups.restore(database, backup, Duration.ofSeconds(60)))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("not the " + backup.sha256())
                .hasMessageContaining("not restored");
        assertThat(single("SELECT count(*) FROM kept")).isEqualTo(1L);
        assertThatThrownBy(
                        () ->
                                backups.backup(
                                        database, directory, "../escape", Duration.ofSeconds(5)))
                .hasMessageContaining("backup name must be");
    }

    @Test
    void aWrongPasswordFailsClearlyLeavesNoFileAndNeverShowsThePassword() {
        String secret = FreshDatabase.madeUpPassword();
        PostgresDatabase wrong =
                new PostgresDatabase(
                        database.host(),
                        database.port(),
                        database.database(),
                        database.user(),
                        secret);

        assertThatThrownBy(() -> backups.backup(wrong, directory, "denied", Duration.ofSeconds(30)))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("pg_dump of " + wrong + " failed (exit 1)")
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining(secret);
        assertThat(directory.resolve("denied.dump")).doesNotExist();
        assertThat(directory.resolve("denied.dump.partial")).doesNotExist();
        assertThat(wrong.toString()).doesNotContain(secret);
    }

    @Test
    void aDatabaseThatNeverAnswersIsGivenUpAtTheDeadline() throws Exception {
        try (BlackHole hole = BlackHole.silent()) {
            PostgresDatabase silent =
                    new PostgresDatabase(
                            "127.0.0.1",
                            hole.port(),
                            "db",
                            "someone",
                            FreshDatabase.madeUpPassword());
            Instant start = Instant.now();
            assertThatThrownBy(
                            () -> backups.backup(silent, directory, "late", Duration.ofSeconds(2)))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("did not finish within PT2S");
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
            assertThat(directory.resolve("late.dump.partial")).doesNotExist();
            assertThat(directory.resolve("late.dump")).doesNotExist();
        }
    }

    private static String independentSha256(Path file) throws IOException {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static long single(String query) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, database.user(), database.password());
    }
}
