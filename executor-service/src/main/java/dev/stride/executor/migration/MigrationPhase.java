package dev.stride.executor.migration;

import dev.stride.events.spec.DatabaseMigration;
import dev.stride.executor.migration.DatabaseBackups.Backup;
import dev.stride.executor.migration.DatabaseBackups.BackupException;
import dev.stride.executor.migration.DatabaseCredentials.UnresolvedCredentials;
import dev.stride.executor.migration.MigrationLock.Unreachable;
import dev.stride.executor.migration.SchemaMigrations.Applied;
import dev.stride.executor.migration.SchemaMigrations.MigrationException;
import dev.stride.executor.migration.ScriptSources.Scripts;
import dev.stride.executor.migration.ScriptSources.ScriptsUnavailable;
import dev.stride.executor.traffic.PlatformException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One MIGRATION phase, as the runbook's run-database-migration.sh does it, on a worker thread: the credentials
 * resolved, the database's migration lock taken (or the phase checks again later), the scripts fetched, Flyway's
 * info and validate, the backup (the first MIGRATION phase of a plan), migrate up to the stage's target, and info
 * again for the versions now applied. Each step goes to the {@link Journal}.
 *
 * <p>Nothing changes before the backup is safely named and recorded, and a failure before the migrate step
 * changes nothing. A failing script rolls back alone (PostgreSQL's DDL is transactional); the versions applied
 * before it stay, and Flyway's history says which. Run again after a crash, the phase reuses the backup the journal
 * recorded and applies what is still pending.
 */
public final class MigrationPhase {

    /** How the phase's steps are recorded, durably, as they happen. */
    public interface Journal {
        /** One step for the step log: what, its result ({@code ok}, {@code failed}, ...), a detail, how long. */
        void step(String call, String result, String detail, Duration took);

        /** The backup an earlier run of this phase took and recorded, if any. */
        Optional<Backup> earlierBackup();

        /** Records the backup before anything is migrated. */
        void backedUp(Backup backup);
    }

    /** What the phase came to. */
    public sealed interface Outcome {}

    /** Done: the summary for PhaseCompleted and the timeline; the versions applied now. */
    public record Done(String summary, List<String> applied, Optional<Backup> backup)
            implements Outcome {}

    /** Another migration of this database holds its lock: check again later. */
    public record Busy(String why) implements Outcome {}

    private final DatabaseCredentials credentials;
    private final ScriptSources scripts;
    private final DatabaseBackups backups;

    public MigrationPhase(
            DatabaseCredentials credentials, ScriptSources scripts, DatabaseBackups backups) {
        this.credentials = credentials;
        this.scripts = scripts;
        this.backups = backups;
    }

    /**
     * Runs {@code request}; {@code backupName} names a new backup. Failures throw a permanent
     * {@link PlatformException} whose message says what happened, what changed, and where the backup is.
     */
    public Outcome run(MigrationRequest request, String backupName, Journal journal)
            throws PlatformException {
        Instant start = Instant.now();
        Duration timeout = request.timeout();
        PostgresDatabase database;
        try {
            database = credentials.resolve(request);
        } catch (UnresolvedCredentials e) {
            journal.step("credentials", "failed", e.getMessage(), since(start));
            throw refused(e.getMessage());
        }
        journal.step(
                "credentials",
                "ok",
                "user " + database.user() + ", password from " + request.passwordSource(),
                since(start));
        Instant at = Instant.now();
        if (request.backup() && journal.earlierBackup().isEmpty()) {
            try {
                DatabaseBackups.checkWritable(request.backupDirectory());
            } catch (BackupException e) {
                journal.step("backup location", "failed", e.getMessage(), since(at));
                throw refused(e.getMessage() + "; nothing was migrated");
            }
            journal.step(
                    "backup location", "ok", request.backupDirectory() + " writable", since(at));
            at = Instant.now();
        }
        Optional<MigrationLock> lock;
        try {
            lock = MigrationLock.tryLock(database, timeout);
        } catch (Unreachable e) {
            journal.step("lock", "failed", e.getMessage(), since(at));
            throw refused(e.getMessage());
        }
        if (lock.isEmpty()) {
            String why =
                    "another migration of "
                            + database
                            + " holds its migration lock; this one waits its turn";
            journal.step("lock", "in progress", why, since(at));
            return new Busy(why);
        }
        MigrationLock held = lock.get();
        try {
            journal.step("lock", "ok", "migration lock of " + database + " taken", since(at));
            return locked(request, database, backupName, journal, start);
        } finally {
            held.close();
        }
    }

    private Outcome locked(
            MigrationRequest request,
            PostgresDatabase database,
            String backupName,
            Journal journal,
            Instant start)
            throws PlatformException {
        Duration timeout = request.timeout();
        SchemaMigrations flyway = new SchemaMigrations(request.flyway());
        Instant at = Instant.now();
        try (Scripts source = scripts.open(request, remaining(start, timeout))) {
            journal.step("scripts", "ok", source.origin(), since(at));
            at = Instant.now();
            List<String> applied;
            List<String> pending;
            try {
                applied = flyway.appliedVersions(database, remaining(start, timeout));
                pending =
                        flyway.pendingVersions(
                                database, source.directory(), remaining(start, timeout));
            } catch (MigrationException e) {
                journal.step("flyway info", "failed", e.getMessage(), since(at));
                throw refused(e.getMessage() + "; nothing changed");
            }
            journal.step(
                    "flyway info", "ok", "applied " + applied + ", pending " + pending, since(at));
            List<String> unlisted =
                    pending.stream().filter(v -> request.kindOf(v).isEmpty()).toList();
            if (!unlisted.isEmpty()) {
                String why =
                        "the scripts hold pending version(s) "
                                + unlisted
                                + " that database.migrations does not list as expand or contract; nothing changed";
                journal.step("flyway info", "failed", why, Duration.ZERO);
                throw refused(why);
            }
            at = Instant.now();
            try {
                flyway.validate(database, source.directory(), remaining(start, timeout));
            } catch (MigrationException e) {
                journal.step("flyway validate", "failed", e.getMessage(), since(at));
                throw refused(e.getMessage() + "; nothing changed");
            }
            journal.step(
                    "flyway validate", "ok", "the scripts match the database's history", since(at));
            Optional<Backup> backup = Optional.empty();
            if (request.backup()) {
                backup = backup(request, database, backupName, journal, start);
            }
            String kept =
                    backup.map(
                                    b ->
                                            "; the backup "
                                                    + b.file()
                                                    + " (sha256 "
                                                    + b.sha256()
                                                    + ") is kept")
                            .orElse("");
            at = Instant.now();
            Applied done;
            try {
                done =
                        flyway.migrate(
                                database,
                                source.directory(),
                                Optional.of(request.target()),
                                remaining(start, timeout));
            } catch (MigrationException e) {
                journal.step("flyway migrate", "failed", e.getMessage(), since(at));
                String now = versionsNow(flyway, database);
                throw refused(e.getMessage() + now + kept);
            }
            journal.step(
                    "flyway migrate",
                    "ok",
                    "version "
                            + (done.versionBefore() == null ? "none" : done.versionBefore())
                            + " to "
                            + done.versionAfter()
                            + ", applied "
                            + done.versions()
                            + " (target "
                            + request.target()
                            + ")",
                    done.took());
            at = Instant.now();
            List<String> now;
            try {
                now = flyway.appliedVersions(database, remaining(start, timeout));
            } catch (MigrationException e) {
                journal.step("flyway info", "failed", e.getMessage(), since(at));
                throw refused("migrated, but " + e.getMessage() + kept);
            }
            journal.step("flyway info", "ok", "applied " + now, since(at));
            return new Done(summary(request, backup, done, now), now, backup);
        } catch (ScriptsUnavailable e) {
            journal.step("scripts", "failed", e.getMessage(), since(at));
            throw refused(e.getMessage() + "; nothing changed");
        }
    }

    /** The application's maintenance mode, which the restore turns on around {@code pg_restore}. */
    public interface Maintenance {
        void set(boolean on) throws PlatformException;
    }

    /**
     * A rollback's database restore, the runbook's database-rollback.sh: the credentials, the migration lock, the
     * attempt's recorded {@code backup} checked against its SHA-256, the application in maintenance, {@code
     * pg_restore --clean --single-transaction}, the integrity check (no version the expand phase applied is left in
     * Flyway's history, and the request's {@code integrity_check} query answers true), then maintenance off. A
     * failed {@code pg_restore} changes nothing (one transaction) and turns maintenance off again; a failed integrity
     * check leaves the application in maintenance for a person. With {@link MigrationRequest#restore()} false (the
     * restore declined) only maintenance goes off.
     */
    public Outcome restore(
            MigrationRequest request,
            Optional<Backup> backup,
            Maintenance maintenance,
            Journal journal)
            throws PlatformException {
        Instant start = Instant.now();
        if (!request.restore()) {
            maintenance.set(false);
            journal.step(
                    "maintenance",
                    "ok",
                    "off; the restore was declined, the database stays as migrated",
                    since(start));
            return new Done(
                    "the database restore was declined: the database stays as migrated and the"
                            + " application left maintenance",
                    List.of(),
                    backup);
        }
        PostgresDatabase database;
        try {
            database = credentials.resolve(request);
        } catch (UnresolvedCredentials e) {
            journal.step("credentials", "failed", e.getMessage(), since(start));
            throw refused(
                    e.getMessage() + "; nothing restored, the application stays in maintenance");
        }
        journal.step("credentials", "ok", "user " + database.user(), since(start));
        if (backup.isEmpty()) {
            String why = "no backup was recorded for this attempt; nothing restored";
            journal.step("backup", "failed", why, Duration.ZERO);
            throw refused(why + ", the application stays in maintenance");
        }
        Backup taken = backup.get();
        Instant at = Instant.now();
        try {
            if (!intact(taken) || !DatabaseBackups.sha256Of(taken.file()).equals(taken.sha256())) {
                String why =
                        "the backup "
                                + taken.file()
                                + " is missing or does not match its recorded size and SHA-256 "
                                + taken.sha256()
                                + "; nothing restored";
                journal.step("backup", "failed", why, since(at));
                throw refused(why + ", the application stays in maintenance");
            }
        } catch (IOException e) {
            journal.step("backup", "failed", e.getMessage(), since(at));
            throw refused("the backup " + taken.file() + " cannot be read: " + e.getMessage());
        }
        journal.step("backup", "ok", "checked: " + describe(taken), since(at));
        at = Instant.now();
        Optional<MigrationLock> lock;
        try {
            lock = MigrationLock.tryLock(database, request.timeout());
        } catch (Unreachable e) {
            journal.step("lock", "failed", e.getMessage(), since(at));
            throw refused(e.getMessage() + "; nothing restored");
        }
        if (lock.isEmpty()) {
            String why =
                    "another migration of "
                            + database
                            + " holds its migration lock; the restore waits its turn";
            journal.step("lock", "in progress", why, since(at));
            return new Busy(why);
        }
        MigrationLock held = lock.get();
        try {
            journal.step("lock", "ok", "migration lock of " + database + " taken", since(at));
            at = Instant.now();
            maintenance.set(true);
            journal.step("maintenance", "ok", "on while the backup is restored", since(at));
            at = Instant.now();
            Duration took;
            try {
                took = backups.restore(database, taken, remaining(start, request.timeout()));
            } catch (BackupException e) {
                journal.step("pg_restore", "failed", e.getMessage(), since(at));
                maintenance.set(false);
                throw refused(
                        e.getMessage()
                                + "; nothing changed (one transaction), the application left maintenance");
            }
            journal.step("pg_restore", "ok", "restored " + describe(taken), took);
            at = Instant.now();
            List<String> now;
            try {
                now =
                        new SchemaMigrations(request.flyway())
                                .appliedVersions(database, remaining(start, request.timeout()));
                String left = integrity(request, database, now);
                if (left != null) {
                    journal.step("integrity", "failed", left, since(at));
                    throw refused(
                            "restored, but the integrity check failed: "
                                    + left
                                    + "; the application stays in maintenance");
                }
            } catch (MigrationException e) {
                journal.step("integrity", "failed", e.getMessage(), since(at));
                throw refused(
                        "restored, but "
                                + e.getMessage()
                                + "; the application stays in maintenance");
            }
            journal.step("integrity", "ok", "versions now " + now, since(at));
            at = Instant.now();
            maintenance.set(false);
            journal.step("maintenance", "ok", "off", since(at));
            return new Done(
                    "restored the database from backup "
                            + describe(taken)
                            + " in "
                            + took.toSeconds()
                            + " s; versions now "
                            + now
                            + "; integrity check passed; the application left maintenance",
                    now,
                    backup);
        } finally {
            held.close();
        }
    }

    // Why the restored database fails its integrity check, or null: a version at or above the
    // expand target is still applied, or the request's query does not answer true.
    private static String integrity(
            MigrationRequest request, PostgresDatabase database, List<String> applied) {
        var target = DatabaseMigration.versionParts(request.target());
        for (String version : applied) {
            if (DatabaseMigration.compare(DatabaseMigration.versionParts(version), target) >= 0) {
                return "version " + version + " is still applied after the restore";
            }
        }
        if (request.integrityCheck().isEmpty()) {
            return null;
        }
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", database.user());
        if (database.password() != null) {
            properties.setProperty("password", database.password());
        }
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        try (java.sql.Connection c =
                        java.sql.DriverManager.getConnection(database.jdbcUrl(), properties);
                java.sql.Statement s = c.createStatement()) {
            c.setReadOnly(true);
            s.setQueryTimeout(30);
            try (java.sql.ResultSet rows = s.executeQuery(request.integrityCheck().get())) {
                if (!rows.next() || !rows.getBoolean(1)) {
                    return "the integrity_check query did not answer true";
                }
                return null;
            }
        } catch (java.sql.SQLException e) {
            return "the integrity_check query failed: " + e.getMessage();
        }
    }

    private Optional<Backup> backup(
            MigrationRequest request,
            PostgresDatabase database,
            String backupName,
            Journal journal,
            Instant start)
            throws PlatformException {
        Instant at = Instant.now();
        Optional<Backup> earlier = journal.earlierBackup();
        if (earlier.isPresent() && intact(earlier.get())) {
            Backup kept = earlier.get();
            journal.step(
                    "backup",
                    "skipped",
                    "taken before a restart: " + describe(kept),
                    Duration.ZERO);
            return earlier;
        }
        try {
            Backup backup =
                    backups.backup(
                            database,
                            request.backupDirectory(),
                            backupName,
                            remaining(start, request.timeout()));
            journal.backedUp(backup);
            journal.step("backup", "ok", describe(backup), backup.took());
            return Optional.of(backup);
        } catch (BackupException e) {
            journal.step("backup", "failed", e.getMessage(), since(at));
            throw refused(e.getMessage() + "; nothing was migrated");
        }
    }

    private static boolean intact(Backup backup) {
        try {
            return Files.isRegularFile(backup.file())
                    && Files.size(backup.file()) == backup.bytes();
        } catch (IOException e) {
            return false;
        }
    }

    private static String versionsNow(SchemaMigrations flyway, PostgresDatabase database) {
        try {
            return "; applied now: " + flyway.appliedVersions(database, Duration.ofSeconds(30));
        } catch (MigrationException e) {
            return "";
        }
    }

    static String summary(
            MigrationRequest request, Optional<Backup> backup, Applied done, List<String> now) {
        StringBuilder text = new StringBuilder();
        backup.ifPresent(b -> text.append("backup ").append(describe(b)).append("; "));
        text.append(request.stage())
                .append(" migration to version ")
                .append(request.target())
                .append(": applied ")
                .append(done.versions().isEmpty() ? "nothing (already there)" : done.versions())
                .append("; versions now ")
                .append(now);
        if (DatabaseMigration.EXPAND.equals(request.stage())) {
            text.append("; backward compatible, so the old version runs on it too");
        }
        return text.length() > 1000 ? text.substring(0, 1000) + "..." : text.toString();
    }

    /** A backup as people read it: where, how big, its checksum. */
    public static String describe(Backup backup) {
        return backup.file() + " (" + size(backup.bytes()) + ", sha256 " + backup.sha256() + ")";
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    private static Duration remaining(Instant start, Duration timeout) throws PlatformException {
        Duration left = timeout.minus(since(start));
        if (left.compareTo(Duration.ofSeconds(1)) < 0) {
            throw refused("the migration's timeout of " + timeout.toMinutes() + " min ran out");
        }
        return left;
    }

    private static Duration since(Instant start) {
        return Duration.between(start, Instant.now());
    }

    private static PlatformException refused(String message) {
        return new PlatformException(message, false);
    }
}
