package dev.stride.executor.migration;

import dev.stride.events.spec.DatabaseMigration;
import dev.stride.events.spec.Durations;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MIGRATION phase as the plan carries it (the planner's PhaseCompiler writes these parameters from the request's
 * {@code database} block), read once. Malformed parameters throw {@link IllegalArgumentException} naming the
 * parameter: a plan Stride itself wrote is never malformed, so such a phase fails for good.
 *
 * @param stage {@code expand} (before the first traffic phase) or {@code contract} (after FINALIZE)
 * @param backup whether this phase backs the database up first (the first MIGRATION phase of the plan does)
 * @param target the Flyway version this phase migrates to: the highest of its stage's versions
 * @param kinds the request's versions and their kinds, keyed by the version as written
 */
public record MigrationRequest(
        String stage,
        boolean backup,
        String target,
        String host,
        int port,
        String database,
        String username,
        Optional<String> passwordEnv,
        Optional<Path> passwordFile,
        Optional<Path> scriptsDirectory,
        Optional<URI> scriptsArchive,
        Optional<String> scriptsSha256,
        Path backupDirectory,
        SchemaMigrations.Settings flyway,
        Duration timeout,
        Map<String, String> kinds,
        String application,
        String environment,
        String release,
        boolean restore,
        Optional<String> integrityCheck,
        Optional<String> passwordSecretArn) {

    /** The stage of a rollback's database restore. */
    public static final String RESTORE = "restore";

    private static final Pattern URL =
            Pattern.compile("jdbc:postgresql://([A-Za-z0-9.-]+)(?::(\\d{1,5}))?/([A-Za-z0-9_$-]+)");

    public MigrationRequest {
        kinds = Map.copyOf(kinds);
    }

    /** Reads the parameters of a MIGRATION phase. */
    public static MigrationRequest parse(Map<String, Object> parameters) {
        Map<String, Object> given = parameters == null ? Map.of() : parameters;
        String stage = text(given, "stage");
        if (!DatabaseMigration.EXPAND.equals(stage)
                && !DatabaseMigration.CONTRACT.equals(stage)
                && !RESTORE.equals(stage)) {
            throw new IllegalArgumentException(
                    "a MIGRATION phase's stage must be expand, contract or restore, not " + stage);
        }
        Matcher url = URL.matcher(text(given, "url"));
        if (!url.matches()) {
            throw new IllegalArgumentException(
                    "a MIGRATION phase's url must be jdbc:postgresql://host[:port]/database");
        }
        Map<?, ?> credentials = map(given, "credentials");
        Map<?, ?> scripts = map(given, "scripts");
        Optional<String> directory = optional(scripts, "directory");
        Optional<String> archive = optional(scripts, "archive");
        if (directory.isPresent() == archive.isPresent()) {
            throw new IllegalArgumentException(
                    "a MIGRATION phase's scripts need exactly one of directory and archive");
        }
        Optional<String> passwordEnv = optional(credentials, "passwordEnv");
        Optional<String> passwordFile = optional(credentials, "passwordFile");
        Optional<String> passwordSecret = optional(credentials, "passwordSecretArn");
        int references =
                (passwordEnv.isPresent() ? 1 : 0)
                        + (passwordFile.isPresent() ? 1 : 0)
                        + (passwordSecret.isPresent() ? 1 : 0);
        if (references != 1) {
            throw new IllegalArgumentException(
                    "a MIGRATION phase's credentials need exactly one of passwordEnv, passwordFile"
                            + " and passwordSecretArn");
        }
        Map<String, String> kinds = new LinkedHashMap<>();
        if (!(given.get("migrations") instanceof List<?> migrations) || migrations.isEmpty()) {
            throw new IllegalArgumentException("a MIGRATION phase needs its migrations");
        }
        for (Object item : migrations) {
            if (!(item instanceof Map<?, ?> migration)) {
                throw new IllegalArgumentException(
                        "a MIGRATION phase's migrations must be objects");
            }
            kinds.put(
                    String.valueOf(migration.get("version")),
                    String.valueOf(migration.get("kind")));
        }
        Map<?, ?> flyway = given.get("flyway") instanceof Map<?, ?> m ? m : Map.of();
        List<String> schemas = new ArrayList<>();
        if (flyway.get("schemas") instanceof List<?> list) {
            list.forEach(s -> schemas.add(String.valueOf(s)));
        }
        return new MigrationRequest(
                stage,
                Boolean.TRUE.equals(given.get("backup")),
                text(given, "target"),
                url.group(1),
                url.group(2) == null ? 5432 : Integer.parseInt(url.group(2)),
                url.group(3),
                text(credentials, "username"),
                passwordEnv,
                passwordFile.map(Path::of),
                directory.map(Path::of),
                archive.map(URI::create),
                optional(scripts, "sha256"),
                Path.of(text(given, "backupDirectory")),
                new SchemaMigrations.Settings(
                        schemas,
                        optional(flyway, "table").orElse(null),
                        Boolean.TRUE.equals(flyway.get("baselineOnMigrate")),
                        optional(flyway, "baselineVersion").orElse(null),
                        Boolean.TRUE.equals(flyway.get("outOfOrder"))),
                optional(given, "timeout")
                        .map(Durations::parse)
                        .orElse(DatabaseMigration.DEFAULT_TIMEOUT),
                kinds,
                optional(given, "application").orElse("app"),
                optional(given, "environment").orElse("env"),
                optional(given, "version").orElse("release"),
                !Boolean.FALSE.equals(given.get("restore")),
                optional(given, "integrityCheck"),
                passwordSecret);
    }

    /** Where the password comes from, for the step log: never the password itself. */
    public String passwordSource() {
        if (passwordEnv.isPresent()) {
            return "environment variable " + passwordEnv.get();
        }
        if (passwordFile.isPresent()) {
            return "file " + passwordFile.get();
        }
        return "AWS Secrets Manager secret " + passwordSecretArn.orElseThrow();
    }

    /** A rollback's database restore (or, with {@link #restore} false, only maintenance off). */
    public boolean isRestore() {
        return RESTORE.equals(stage);
    }

    /** Where the database is: what the bulkhead counts as this phase's endpoint. */
    public String endpoint() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** The kind the request gives {@code version} (compared as Flyway compares versions), if it lists it. */
    public Optional<String> kindOf(String version) {
        var wanted = DatabaseMigration.versionParts(version);
        return kinds.entrySet().stream()
                .filter(
                        e ->
                                DatabaseMigration.compare(
                                                DatabaseMigration.versionParts(e.getKey()), wanted)
                                        == 0)
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private static String text(Map<?, ?> given, String name) {
        return optional(given, name)
                .orElseThrow(
                        () -> new IllegalArgumentException("a MIGRATION phase needs its " + name));
    }

    private static Optional<String> optional(Map<?, ?> given, String name) {
        return given.get(name) instanceof String s && !s.isBlank()
                ? Optional.of(s.strip())
                : Optional.empty();
    }

    private static Map<?, ?> map(Map<?, ?> given, String name) {
        if (given.get(name) instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("a MIGRATION phase needs its " + name);
    }
}
