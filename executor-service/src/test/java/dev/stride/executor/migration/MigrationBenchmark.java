package dev.stride.executor.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.executor.migration.DatabaseBackups.Backup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Tagged {@code benchmark}, which the test suite leaves out: run it with {@code deploy/stride bench migration}.
 * Generates a database of {@code stride.bench.migration-mb} (1024) MB on the local PostgreSQL (an {@code orders}
 * table at Flyway version 1), then runs one MIGRATION phase on it as the executor does ({@link MigrationPhase}:
 * credentials, lock, scripts, info, validate, the real {@code pg_dump} backup streamed through SHA-256, migrate to
 * version 2, info). Version 2 adds a column with a default and an index. It reports the backup's time and size,
 * the migrate time, and this JVM's peak resident memory during the phase (VmHWM, reset just before the phase by
 * {@code /proc/self/clear_refs}), next to the resident memory before it: the backup is streamed, so the peak must
 * not grow with the database. It asserts that the phase completed with the backup and both versions, never how
 * fast.
 */
@Tag("benchmark")
class MigrationBenchmark {

    private static final String V1 =
            "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, customer TEXT NOT NULL,"
                    + " amount NUMERIC(12, 2) NOT NULL, note TEXT NOT NULL);";
    private static final String V2 =
            "ALTER TABLE orders ADD COLUMN status TEXT NOT NULL DEFAULT 'new';\n"
                    + "CREATE INDEX orders_by_customer ON orders (customer);";

    @Test
    void backupAndMigrateAGeneratedDatabase() throws Exception {
        long targetMb = Long.getLong("stride.bench.migration-mb", 1024);
        FreshDatabase db = new FreshDatabase();
        Path work = Files.createTempDirectory("stride-migration-bench");
        try {
            Path scripts = Files.createDirectories(work.resolve("scripts"));
            Files.writeString(scripts.resolve("V1__orders.sql"), V1);
            Files.writeString(scripts.resolve("V2__order_status.sql"), V2);
            Path passwordFile = work.resolve("password");
            Files.writeString(passwordFile, db.database.password());
            Path backups = Files.createDirectories(work.resolve("backups"));
            MigrationPhase phase =
                    new MigrationPhase(
                            new DatabaseCredentials(Map.of()),
                            new ScriptSources(work.resolve("downloads")),
                            new DatabaseBackups());

            RecordingJournal setup = new RecordingJournal();
            phase.run(request(db, scripts, passwordFile, backups, "1", false), "setup", setup);

            Instant generating = Instant.now();
            long bytes = generate(db, targetMb * 1024 * 1024);
            Duration generated = Duration.between(generating, Instant.now());

            long rssBefore = status("VmRSS");
            resetPeak();
            RecordingJournal journal = new RecordingJournal();
            Instant start = Instant.now();
            MigrationPhase.Outcome outcome =
                    phase.run(
                            request(db, scripts, passwordFile, backups, "2", true),
                            "orders-bench",
                            journal);
            Duration took = Duration.between(start, Instant.now());
            long peak = status("VmHWM");

            assertThat(outcome).isInstanceOf(MigrationPhase.Done.class);
            MigrationPhase.Done done = (MigrationPhase.Done) outcome;
            assertThat(done.applied()).containsExactly("1", "2");
            Backup backup = done.backup().orElseThrow();
            assertThat(Files.size(backup.file())).isEqualTo(backup.bytes()).isPositive();
            assertThat(DatabaseBackups.sha256Of(backup.file())).isEqualTo(backup.sha256());

            String report =
                    String.format(
                            Locale.ROOT,
                            "migration benchmark: database %s MiB (orders, generated in %.1f s)%n"
                                    + "  backup (pg_dump -Fc, streamed through SHA-256): %.1f s, %s%n"
                                    + "  flyway migrate 1 -> 2 (add column with default, create index): %.1f s%n"
                                    + "  whole MIGRATION phase (credentials to info): %.1f s%n"
                                    + "  executor JVM resident memory: %d MiB before the phase, peak %d MiB during it"
                                    + " (max heap %d MiB)%n"
                                    + "  steps: %s%n",
                            bytes / (1024 * 1024),
                            generated.toMillis() / 1000.0,
                            journal.took("backup").toMillis() / 1000.0,
                            MigrationPhase.describe(backup),
                            journal.took("flyway migrate").toMillis() / 1000.0,
                            took.toMillis() / 1000.0,
                            rssBefore / 1024,
                            peak / 1024,
                            Runtime.getRuntime().maxMemory() / (1024 * 1024),
                            journal.calls);
            System.out.print(report);
            Files.writeString(Path.of("target", "migration.txt"), report);
        } finally {
            db.drop();
            deleteTree(work);
        }
    }

    private static MigrationRequest request(
            FreshDatabase db,
            Path scripts,
            Path passwordFile,
            Path backups,
            String target,
            boolean backup) {
        return MigrationParameters.of(db, passwordFile, scripts, backups)
                .stage("expand", backup, target)
                .with("timeout", "1h")
                .with("environment", "bench")
                .request();
    }

    // Rows of about 250 bytes (the note six different hashes, so the backup compresses as real text
    // does), 200,000 per statement, until the table with its index reaches the
    // size.
    private static long generate(FreshDatabase db, long targetBytes) throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            long size = 0;
            while (size < targetBytes) {
                s.execute(
                        "INSERT INTO orders (customer, amount, note) SELECT 'customer-' || (g % 50000),"
                                + " (g % 100000) / 100.0, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text)"
                                + " || md5((g + 3)::text) || md5((g + 4)::text) || md5((g + 5)::text) FROM generate_series(1, 200000) g");
                try (ResultSet rows =
                        s.executeQuery("SELECT pg_database_size(current_database())")) {
                    rows.next();
                    size = rows.getLong(1);
                }
            }
            s.execute("VACUUM ANALYZE orders");
            return size;
        }
    }

    /** A line of /proc/self/status in KiB, e.g. VmRSS or VmHWM. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("/proc/self/status has no " + field);
    }

    // Writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current one.
    private static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
