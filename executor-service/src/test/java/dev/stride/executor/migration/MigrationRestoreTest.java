package dev.stride.executor.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.executor.migration.DatabaseBackups.Backup;
import dev.stride.executor.traffic.PlatformException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollback's database restore ({@link MigrationPhase#restore}) on a fresh database of the local PostgreSQL with
 * the real {@code pg_dump} and {@code pg_restore}: the backup the expand phase took goes back, with the application
 * in maintenance only while it does, and the integrity check decides whether it comes out.
 */
class MigrationRestoreTest {

    private FreshDatabase fresh;
    private MigrationPhase phase;
    private final List<Boolean> maintenance = new ArrayList<>();
    private final RecordingJournal journal = new RecordingJournal();

    @TempDir Path scripts;
    @TempDir Path backups;
    @TempDir Path secrets;

    @BeforeEach
    void database() throws Exception {
        fresh = new FreshDatabase();
        Files.writeString(secrets.resolve("db-password"), fresh.database.password());
        phase =
                new MigrationPhase(
                        new DatabaseCredentials(Map.of()),
                        new ScriptSources(secrets.resolve("downloads")),
                        new DatabaseBackups());
        Files.writeString(
                scripts.resolve("V1__orders.sql"),
                "CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT);"
                        + " INSERT INTO orders VALUES (1, 100);");
        Files.writeString(
                scripts.resolve("V2__orders_currency.sql"),
                "ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';");
        phase.run(request("expand", "1", false, Map.of()), "setup", new RecordingJournal());
    }

    @AfterEach
    void drop() {
        fresh.drop();
    }

    @Test
    void theExpandPhasesBackupGoesBackWithTheApplicationInMaintenanceOnlyMeanwhile()
            throws Exception {
        Backup backup = expandWithBackup();
        fresh.execute("INSERT INTO orders VALUES (2, 200, 'USD')");

        MigrationPhase.Outcome outcome =
                phase.restore(
                        request(
                                "restore",
                                "2",
                                true,
                                Map.of("integrityCheck", "SELECT count(*) = 1 FROM orders")),
                        Optional.of(backup),
                        maintenance::add,
                        journal);

        assertThat(outcome).isInstanceOf(MigrationPhase.Done.class);
        MigrationPhase.Done done = (MigrationPhase.Done) outcome;
        assertThat(done.applied()).containsExactly("1");
        assertThat(done.summary())
                .contains("restored the database from backup " + backup.file())
                .contains("versions now [1]", "integrity check passed");
        assertThat(fresh.columns("orders")).isEqualTo("id,total_cents");
        assertThat(fresh.count("SELECT count(*) FROM orders"))
                .as("the row written after the backup is lost, as the approval said")
                .isEqualTo(1);
        assertThat(maintenance).containsExactly(true, false);
        assertThat(journal.calls)
                .containsExactly(
                        "credentials:ok",
                        "backup:ok",
                        "lock:ok",
                        "maintenance:ok",
                        "pg_restore:ok",
                        "integrity:ok",
                        "maintenance:ok");
    }

    @Test
    void aFailingIntegrityCheckLeavesTheApplicationInMaintenance() throws Exception {
        Backup backup = expandWithBackup();

        assertThatThrownBy(
                        () ->
                                phase.restore(
                                        request(
                                                "restore",
                                                "2",
                                                true,
                                                Map.of(
                                                        "integrityCheck",
                                                        "SELECT count(*) = 42 FROM orders")),
                                        Optional.of(backup),
                                        maintenance::add,
                                        journal))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("the integrity check failed")
                .hasMessageContaining("stays in maintenance");
        assertThat(maintenance).containsExactly(true);
        assertThat(fresh.columns("orders")).as("restored all the same").isEqualTo("id,total_cents");
    }

    @Test
    void aBackupThatDoesNotMatchItsChecksumIsNotRestoredAndNothingChanges() throws Exception {
        Backup backup = expandWithBackup();
        Backup tampered = new Backup(backup.file(), backup.bytes(), "0".repeat(64), backup.took());

        assertThatThrownBy(
                        () ->
                                phase.restore(
                                        request("restore", "2", true, Map.of()),
                                        Optional.of(tampered),
                                        maintenance::add,
                                        journal))
                .isInstanceOf(PlatformException.class)
                .hasMessageContaining("does not match its recorded size and SHA-256");
        assertThat(maintenance).isEmpty();
        assertThat(fresh.columns("orders")).isEqualTo("currency,id,total_cents");
    }

    @Test
    void aDeclinedRestoreOnlyTakesTheApplicationOutOfMaintenance() throws Exception {
        Backup backup = expandWithBackup();

        MigrationPhase.Outcome outcome =
                phase.restore(
                        request("restore", "2", false, Map.of()),
                        Optional.of(backup),
                        maintenance::add,
                        journal);

        assertThat(((MigrationPhase.Done) outcome).summary()).contains("declined");
        assertThat(maintenance).containsExactly(false);
        assertThat(fresh.columns("orders")).isEqualTo("currency,id,total_cents");
    }

    private Backup expandWithBackup() throws Exception {
        MigrationPhase.Done done =
                (MigrationPhase.Done)
                        phase.run(
                                request("expand", "2", true, Map.of()),
                                "orders-a1-p1",
                                new RecordingJournal());
        assertThat(fresh.columns("orders")).isEqualTo("currency,id,total_cents");
        return done.backup().orElseThrow();
    }

    private MigrationRequest request(
            String stage, String target, boolean flag, Map<String, Object> more) {
        MigrationParameters p =
                MigrationParameters.of(fresh, secrets.resolve("db-password"), scripts, backups)
                        .stage(stage, "expand".equals(stage) && flag, target)
                        .with("restore", flag);
        more.forEach(p::with);
        return p.request();
    }
}
