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
                "user "
                        + database.user()
                        + ", password from "
                        + request.passwordEnv()
                                .map(n -> "environment variable " + n)
                                .orElseGet(() -> "file " + request.passwordFile().orElseThrow()),
                since(start));
        Instant at = Instant.now();
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
