package dev.stride.executor.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.executor.migration.SchemaMigrations.Applied;
import dev.stride.executor.migration.SchemaMigrations.MigrationException;
import dev.stride.testing.BlackHole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway, the library, against a fresh database per test on the local PostgreSQL. */
class SchemaMigrationsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private FreshDatabase fresh;
    private final SchemaMigrations migrations = new SchemaMigrations();
    private PostgresDatabase database;
    private String jdbcUrl;

    @TempDir Path scripts;

    @BeforeEach
    void database() {
        fresh = new FreshDatabase();
        database = fresh.database;
        jdbcUrl = fresh.jdbcUrl;
    }

    @AfterEach
    void drop() {
        fresh.drop();
    }

    @Test
    void theExpandPartFirstThenTheContractPartEachRecorded() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT);");
        script("V2__orders_currency.sql", "ALTER TABLE orders ADD COLUMN currency TEXT;");
        script("V3__drop_total.sql", "ALTER TABLE orders DROP COLUMN total_cents;");
        assertThat(migrations.appliedVersions(database, TIMEOUT)).isEmpty();

        Applied expand = migrations.migrate(database, scripts, Optional.of("2"), TIMEOUT);
        assertThat(expand.versionBefore()).isNull();
        assertThat(expand.versions()).containsExactly("1", "2");
        assertThat(expand.versionAfter()).isEqualTo("2");
        assertThat(columns()).isEqualTo("currency,id,total_cents");

        Applied contract = migrations.migrate(database, scripts, Optional.empty(), TIMEOUT);
        assertThat(contract.versionBefore()).isEqualTo("2");
        assertThat(contract.versions()).containsExactly("3");
        assertThat(contract.versionAfter()).isEqualTo("3");
        assertThat(columns()).isEqualTo("currency,id");
        assertThat(migrations.appliedVersions(database, TIMEOUT)).containsExactly("1", "2", "3");

        // Again: nothing pending, nothing applied.
        assertThat(migrations.migrate(database, scripts, Optional.empty(), TIMEOUT).versions())
                .isEmpty();
    }

    @Test
    void aFailingScriptRollsBackAndLeavesTheSchemaAsBefore() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);");
        migrations.migrate(database, scripts, Optional.empty(), TIMEOUT);
        script(
                "V2__broken.sql",
                "ALTER TABLE orders ADD COLUMN note TEXT;\nALTER TABLE orders ADD COLUM oops INT;");

        assertThatThrownBy(() -> migrations.migrate(database, scripts, Optional.empty(), TIMEOUT))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("the failing script rolled back")
                .hasMessageContaining("V2__broken.sql")
                .hasMessageNotContaining(database.password());
        assertThat(columns()).isEqualTo("id"); // the first statement of V2 was rolled back too
        assertThat(migrations.appliedVersions(database, TIMEOUT)).containsExactly("1");
    }

    @Test
    void aChangedOrMissingScriptIsRefusedBeforeAnythingChanges() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);");
        migrations.migrate(database, scripts, Optional.empty(), TIMEOUT);
        script("V1__orders.sql", "CREATE TABLE orders (id BIGINT PRIMARY KEY);");
        script("V2__more.sql", "CREATE TABLE more (id INT);");

        assertThatThrownBy(() -> migrations.migrate(database, scripts, Optional.empty(), TIMEOUT))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("do not match the history")
                .hasMessageContaining("V1")
                .hasMessageContaining("checksum");
        assertThat(tableExists("more")).isFalse();

        Files.delete(scripts.resolve("V1__orders.sql"));
        assertThatThrownBy(() -> migrations.validate(database, scripts, TIMEOUT))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("do not match the history");
        assertThatThrownBy(() -> migrations.validate(database, scripts.resolve("absent"), TIMEOUT))
                .hasMessageContaining("is not a readable directory");
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorWithinTheDeadline() throws Exception {
        script("V1__orders.sql", "CREATE TABLE orders (id INT PRIMARY KEY);");
        try (BlackHole hole = BlackHole.silent()) {
            String password = FreshDatabase.madeUpPassword();
            PostgresDatabase silent =
                    new PostgresDatabase("127.0.0.1", hole.port(), "db", "someone", password);
            Instant start = Instant.now();
            assertThatThrownBy(
                            () ->
                                    migrations.migrate(
                                            silent,
                                            scripts,
                                            Optional.empty(),
                                            Duration.ofSeconds(2)))
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining("flyway validate of postgresql://someone@127.0.0.1:")
                    .hasMessageNotContaining(password);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
        }
    }

    private void script(String name, String sql) throws IOException {
        Files.writeString(scripts.resolve(name), sql);
    }

    private String columns() throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rows =
                        s.executeQuery(
                                "SELECT string_agg(column_name, ',' ORDER BY column_name)"
                                        + " FROM information_schema.columns WHERE table_name = 'orders'")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private boolean tableExists(String table) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rows =
                        s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, database.user(), database.password());
    }
}
