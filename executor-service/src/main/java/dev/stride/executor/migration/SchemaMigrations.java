package dev.stride.executor.migration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * A release's schema changes with the Flyway library (the version the Quarkus BOM manages): the runbook's
 * {@code flyway validate}, {@code migrate} and {@code info}. Scripts come from a directory ({@code V<n>__*.sql});
 * {@code target} stops at a version, which is how the expand part (up to the last expand script, before traffic)
 * and the contract part (the rest, after FINALIZE) are applied apart.
 *
 * <p>Safety comes from the tools: each script runs in its own transaction (PostgreSQL's DDL is transactional, so a
 * failed or killed script leaves the schema as before it); Flyway's history table says what was applied, with
 * checksums; Flyway holds a PostgreSQL advisory lock while it migrates, so two migrations of one database, from
 * two deployments or two executor replicas, run one after the other. Deadlines: the connection, each statement
 * and the wait for that lock are bounded by the call's timeout. Blocking (JDBC): callers run it on a worker.
 */
public final class SchemaMigrations {

    /**
     * The Flyway settings a request may give (the request's {@code database.flyway}): the schemas Flyway manages
     * (the first holds its history table), the history table's name, baselining a database that has a schema but no
     * history, and out-of-order application. Null parts are Flyway's defaults.
     */
    public record Settings(
            List<String> schemas,
            String table,
            boolean baselineOnMigrate,
            String baselineVersion,
            boolean outOfOrder) {

        public static final Settings DEFAULTS = new Settings(List.of(), null, false, null, false);

        public Settings {
            schemas = schemas == null ? List.of() : List.copyOf(schemas);
        }
    }

    private final Settings settings;

    /** Flyway's defaults. */
    public SchemaMigrations() {
        this(Settings.DEFAULTS);
    }

    public SchemaMigrations(Settings settings) {
        this.settings = settings == null ? Settings.DEFAULTS : settings;
    }

    /** What a migration did: the schema version before and after, and the versions it applied, in order. */
    public record Applied(
            String versionBefore, String versionAfter, List<String> versions, Duration took) {}

    /** Why the schema was not changed (or why a script failed, its transaction rolled back). */
    public static final class MigrationException extends Exception {
        public MigrationException(String message) {
            super(message);
        }
    }

    /** The versions applied to the database now, in order (Flyway's {@code info}); empty for a fresh database. */
    public List<String> appliedVersions(PostgresDatabase database, Duration timeout)
            throws MigrationException {
        try {
            return Arrays.stream(flyway(database, null, Optional.empty(), timeout).info().applied())
                    .filter(m -> m.getVersion() != null)
                    .map(m -> m.getVersion().getVersion())
                    .toList();
        } catch (FlywayException e) {
            throw new MigrationException(
                    "flyway info of " + database + ": " + message(e, database));
        }
    }

    /** The versions of the scripts not applied yet, in the order Flyway would apply them. */
    public List<String> pendingVersions(PostgresDatabase database, Path scripts, Duration timeout)
            throws MigrationException {
        requireScripts(scripts);
        try {
            return Arrays.stream(
                            flyway(database, scripts, Optional.empty(), timeout).info().pending())
                    .filter(m -> m.getVersion() != null)
                    .map(m -> m.getVersion().getVersion())
                    .toList();
        } catch (FlywayException e) {
            throw new MigrationException(
                    "flyway info of " + database + ": " + message(e, database));
        }
    }

    /**
     * Checks the scripts against the database's history (Flyway's {@code validate}, pending scripts allowed):
     * a changed checksum, an applied script missing from the directory, or an unreadable directory is refused here,
     * before anything changes.
     */
    public void validate(PostgresDatabase database, Path scripts, Duration timeout)
            throws MigrationException {
        requireScripts(scripts);
        ValidateResult result;
        try {
            result = flyway(database, scripts, Optional.empty(), timeout).validateWithResult();
        } catch (FlywayException e) {
            throw new MigrationException(
                    "flyway validate of " + database + ": " + message(e, database));
        }
        if (!result.validationSuccessful) {
            String why =
                    result.invalidMigrations.stream()
                            .map(
                                    m ->
                                            (m.version == null || m.version.isEmpty()
                                                            ? m.description
                                                            : "V" + m.version)
                                                    + ": "
                                                    + (m.errorDetails == null
                                                            ? "invalid"
                                                            : m.errorDetails.errorMessage))
                            .collect(Collectors.joining("; "));
            throw new MigrationException(
                    "the scripts in "
                            + scripts
                            + " do not match the history of "
                            + database
                            + ": "
                            + (why.isEmpty() ? result.getAllErrorMessages() : why));
        }
    }

    /** Validates, then applies the pending scripts up to {@code target} (all when empty). */
    public Applied migrate(
            PostgresDatabase database, Path scripts, Optional<String> target, Duration timeout)
            throws MigrationException {
        validate(database, scripts, timeout);
        Instant start = Instant.now();
        Flyway flyway = flyway(database, scripts, target, timeout);
        MigrateResult result;
        try {
            result = flyway.migrate();
        } catch (FlywayException e) {
            throw new MigrationException(
                    "flyway migrate of "
                            + database
                            + " failed, the failing script rolled back: "
                            + message(e, database));
        }
        List<String> versions =
                result.migrations.stream()
                        .map(m -> m.version)
                        .filter(v -> v != null && !v.isEmpty())
                        .toList();
        MigrationInfo current = flyway.info().current();
        return new Applied(
                result.initialSchemaVersion,
                current == null || current.getVersion() == null
                        ? null
                        : current.getVersion().getVersion(),
                versions,
                Duration.between(start, Instant.now()));
    }

    private static void requireScripts(Path scripts) throws MigrationException {
        if (scripts == null || !Files.isDirectory(scripts) || !Files.isReadable(scripts)) {
            throw new MigrationException(
                    "migration scripts directory " + scripts + " is not a readable directory");
        }
    }

    private Flyway flyway(
            PostgresDatabase database, Path scripts, Optional<String> target, Duration timeout) {
        long millis = Math.max(1000, timeout.toMillis());
        long seconds = Math.max(1, millis / 1000);
        String url =
                "jdbc:postgresql://"
                        + database.host()
                        + ":"
                        + database.port()
                        + "/"
                        + database.database()
                        + "?connectTimeout="
                        + Math.min(seconds, 30)
                        + "&loginTimeout="
                        + Math.min(seconds, 30)
                        + "&socketTimeout="
                        + (seconds + 30)
                        + "&options=-c%20statement_timeout%3D"
                        + millis
                        + "%20-c%20lock_timeout%3D"
                        + millis
                        + "&ApplicationName=stride-executor-migration";
        var config =
                Flyway.configure()
                        .dataSource(url, database.user(), database.password())
                        .connectRetries(0)
                        .lockRetryCount((int) Math.min(Integer.MAX_VALUE, seconds))
                        .cleanDisabled(true)
                        .validateMigrationNaming(true)
                        .ignoreMigrationPatterns("*:pending");
        config =
                scripts == null
                        ? config.locations(new String[0])
                        : config.locations("filesystem:" + scripts.toAbsolutePath());
        if (target.isPresent()) {
            config = config.target(target.get());
        }
        if (!settings.schemas().isEmpty()) {
            config = config.schemas(settings.schemas().toArray(String[]::new));
        }
        if (settings.table() != null) {
            config = config.table(settings.table());
        }
        config =
                config.baselineOnMigrate(settings.baselineOnMigrate())
                        .outOfOrder(settings.outOfOrder());
        if (settings.baselineVersion() != null) {
            config = config.baselineVersion(settings.baselineVersion());
        }
        return config.load();
    }

    // Flyway's message, first lines only, without the password should a driver ever echo it.
    private static String message(FlywayException e, PostgresDatabase database) {
        String text = String.valueOf(e.getMessage()).trim();
        String first = text.lines().limit(12).collect(Collectors.joining(" | "));
        if (database.password() != null && !database.password().isEmpty()) {
            first = first.replace(database.password(), "****");
        }
        return first.length() > 1500 ? first.substring(0, 1500) + "..." : first;
    }
}
