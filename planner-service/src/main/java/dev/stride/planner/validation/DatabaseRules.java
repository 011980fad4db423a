package dev.stride.planner.validation;

import static dev.stride.events.check.FieldChecks.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import dev.stride.events.spec.DatabaseMigration;
import dev.stride.events.spec.Durations;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request's {@code database} block (DatabaseMigration): where the database is, credentials by reference only,
 * the Flyway scripts, which version is expand and which contract, the backup and the Flyway options. What this
 * Stride cannot do yet (an S3 archive or backup, a restore on rollback without maintenance mode) is refused here by name,
 * never accepted and left undone.
 */
final class DatabaseRules {

    static final String AT = "database";

    /**
     * {@code jdbc:postgresql://host[:port]/database}, nothing else: the executor hands host, port and database to
     * {@code pg_dump} and Flyway alike, so a URL parameter one of them would not see is refused, not dropped.
     */
    static final Pattern JDBC_URL =
            Pattern.compile(
                    "jdbc:postgresql://([A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:(\\d{1,5}))?"
                            + "/([A-Za-z_][A-Za-z0-9_$-]{0,62})");

    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final Pattern FLYWAY_VERSION = Pattern.compile("[0-9]{1,18}([._][0-9]{1,18}){0,9}");
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern SECRET_ARN =
            Pattern.compile(
                    "arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}");
    static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");
    static final Pattern ARCHIVE =
            Pattern.compile("https://[^\\s?#]+\\.(zip|tar\\.gz|tgz)(\\?[^\\s#]*)?");
    static final Duration MIN_TIMEOUT = Duration.ofMinutes(1);
    static final int MAX_MIGRATIONS = 100;
    static final int MAX_SCHEMAS = 20;

    private static final Set<String> FIELDS =
            Set.of(
                    "url",
                    "credentials",
                    "scripts",
                    "migrations",
                    "backup",
                    "flyway",
                    "timeout",
                    "restore_on_rollback",
                    "integrity_check");
    private static final List<String> INLINE_PASSWORDS = List.of("password", "pass", "pwd");
    private static final Set<String> CREDENTIAL_FIELDS =
            Set.of(
                    "username",
                    "password_env",
                    "password_file",
                    "secrets_manager_arn",
                    "password",
                    "pass",
                    "pwd");
    private static final String NOT_YET = " is not supported by this Stride yet; ";

    private DatabaseRules() {}

    static void database(FieldChecks checks, JsonNode block) {
        checks.onlyKnownFields(block, AT, FIELDS);
        checks.string(block, "url", AT, true).ifPresent(url -> url(checks, url));
        checks.object(block, "credentials", AT, true)
                .ifPresent(credentials -> credentials(checks, credentials));
        checks.object(block, "scripts", AT, true).ifPresent(scripts -> scripts(checks, scripts));
        checks.array(block, "migrations", AT, true)
                .ifPresent(migrations -> migrations(checks, migrations));
        checks.object(block, "backup", AT, true).ifPresent(backup -> backup(checks, backup));
        checks.object(block, "flyway", AT, false).ifPresent(flyway -> flyway(checks, flyway));
        checks.parsed(block, "timeout", AT, false, Durations::parse)
                .ifPresent(
                        timeout -> {
                            if (timeout.compareTo(MIN_TIMEOUT) < 0
                                    || timeout.compareTo(DatabaseMigration.MAX_TIMEOUT) > 0) {
                                checks.add(
                                        path(AT, "timeout"),
                                        "must be from 1m to 6h: a backup and a migration within it");
                            }
                        });
        bool(checks, block, "restore_on_rollback", AT);
        checks.string(block, "integrity_check", AT, false)
                .ifPresent(
                        query -> {
                            String statement = query.strip();
                            if (statement.endsWith(";")) {
                                statement = statement.substring(0, statement.length() - 1);
                            }
                            if (query.length() > 2000 || statement.contains(";")) {
                                checks.add(
                                        path(AT, "integrity_check"),
                                        "must be one SQL statement of at most 2000 characters");
                            } else if (!block.path("restore_on_rollback").asBoolean(false)) {
                                checks.add(
                                        path(AT, "integrity_check"),
                                        "is run after a restore, so it needs restore_on_rollback: true");
                            }
                        });
    }

    /**
     * The rule spanning target, deployment and database: an expand migration marked {@code breaking} runs before
     * traffic moves, while the old version still serves (beside the canary, the other colour or the batches not yet
     * replaced), and a rollback returns to the old version on that schema. Only maintenance mode makes that safe.
     */
    static void withDeployment(FieldChecks checks, JsonNode target, JsonNode block) {
        if (block == null || !block.isObject() || !block.path("migrations").isArray()) {
            return;
        }
        boolean maintenance = target.path("maintenanceMode").asBoolean(false);
        boolean restores = block.path("restore_on_rollback").asBoolean(false);
        if (restores
                && !(maintenance && "kubernetes".equals(target.path("platform").asText(null)))) {
            // The restore needs the application stopped while the backup goes back: this Stride
            // stops it with the NGINX maintenance annotation. Scaling to zero is not built yet.
            checks.add(
                    path(AT, "restore_on_rollback"),
                    "true needs a kubernetes target with target.maintenanceMode: the application must not"
                            + " serve while the backup is restored, and scaling to zero"
                            + NOT_YET
                            + "run the release in maintenance mode, or keep the schema on rollback"
                            + " (expand migrations are made for it)");
        }
        JsonNode migrations = block.path("migrations");
        for (int i = 0; i < migrations.size(); i++) {
            JsonNode migration = migrations.get(i);
            if (DatabaseMigration.EXPAND.equals(migration.path("kind").asText(null))
                    && migration.path("breaking").asBoolean(false)
                    && !maintenance
                    && !restores) {
                checks.add(
                        path(AT, "migrations[" + i + "].breaking"),
                        "a breaking expand migration cannot roll back safely: it is applied before traffic"
                                + " moves, while the old version still serves and would serve again after a"
                                + " rollback. Make it a contract migration (applied after finalize), or run the"
                                + " release in target.maintenanceMode");
            }
        }
    }

    private static void url(FieldChecks checks, String url) {
        String field = path(AT, "url");
        if (url.contains("?") || url.contains("@")) {
            checks.add(
                    field,
                    "must carry no user, password or parameters: give the credentials in database.credentials,"
                            + " by reference");
            return;
        }
        var matcher = JDBC_URL.matcher(url);
        if (!matcher.matches()) {
            checks.add(field, "must be jdbc:postgresql://host[:port]/database");
            return;
        }
        if (matcher.group(4) != null) {
            int port = Integer.parseInt(matcher.group(4));
            if (port < 1 || port > 65535) {
                checks.add(field, "must name a port from 1 to 65535, not " + port);
            }
        }
    }

    private static void credentials(FieldChecks checks, JsonNode credentials) {
        String at = path(AT, "credentials");
        // Refused on Kafka too, where unknown fields are otherwise ignored: a password must never
        // be
        // accepted, stored or passed on.
        for (String inline : INLINE_PASSWORDS) {
            if (credentials.has(inline)) {
                checks.add(
                        path(at, inline),
                        "an inline password is refused: a request is stored and published. Give password_env"
                                + " (an environment variable of the executor) or password_file (a file it reads)");
            }
        }
        // The inline names are reported above, not again as unknown fields.
        checks.onlyKnownFields(credentials, at, CREDENTIAL_FIELDS);
        checks.matching(
                credentials,
                "username",
                at,
                true,
                Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,62}"),
                "must be a PostgreSQL role name: letters, digits, '_', '.' or '-' (at most 63)");
        checks.matching(
                credentials,
                "password_env",
                at,
                false,
                ENV_NAME,
                "must be an environment variable name: letters, digits and '_', not starting with a digit");
        checks.matching(
                credentials,
                "password_file",
                at,
                false,
                Formats.ABSOLUTE_PATH,
                "must be an absolute path");
        checks.matching(
                credentials,
                "secrets_manager_arn",
                at,
                false,
                SECRET_ARN,
                "must be an AWS Secrets Manager secret ARN"
                        + " (arn:aws:secretsmanager:<region>:<account>:secret:<name>)");
        int given =
                (credentials.hasNonNull("password_env") ? 1 : 0)
                        + (credentials.hasNonNull("password_file") ? 1 : 0)
                        + (credentials.hasNonNull("secrets_manager_arn") ? 1 : 0);
        if (given == 0 && !hasInline(credentials)) {
            checks.add(
                    at,
                    "needs one password reference: password_env, password_file or"
                            + " secrets_manager_arn");
        } else if (given > 1) {
            checks.add(at, "must give one password reference, not " + given);
        }
    }

    private static boolean hasInline(JsonNode credentials) {
        return INLINE_PASSWORDS.stream().anyMatch(credentials::has);
    }

    private static void scripts(FieldChecks checks, JsonNode scripts) {
        String at = path(AT, "scripts");
        checks.onlyKnownFields(scripts, at, Set.of("directory", "archive", "sha256"));
        checks.matching(
                scripts,
                "directory",
                at,
                false,
                Formats.ABSOLUTE_PATH,
                "must be an absolute path of a directory the executor reads");
        Optional<String> archive = checks.string(scripts, "archive", at, false);
        checks.matching(
                scripts,
                "sha256",
                at,
                false,
                SHA256,
                "must be the archive's SHA-256: 64 lowercase hexadecimal digits");
        boolean hasDirectory = scripts.hasNonNull("directory");
        boolean hasArchive = scripts.hasNonNull("archive");
        if (hasDirectory == hasArchive) {
            checks.add(at, "must give exactly one of directory and archive");
        }
        archive.ifPresent(
                url -> {
                    String field = path(at, "archive");
                    if (url.startsWith("s3://")) {
                        checks.add(field, "an S3 archive" + NOT_YET + "give an https URL");
                    } else if (!ARCHIVE.matcher(url).matches()) {
                        checks.add(
                                field, "must be an https URL of a .zip, .tar.gz or .tgz archive");
                    }
                });
        if (hasArchive && !scripts.hasNonNull("sha256")) {
            checks.add(path(at, "sha256"), "is required with an archive");
        }
        if (hasDirectory && scripts.hasNonNull("sha256")) {
            checks.add(path(at, "sha256"), "belongs to an archive; a directory has none");
        }
    }

    private static void migrations(FieldChecks checks, JsonNode migrations) {
        String at = path(AT, "migrations");
        if (migrations.isEmpty() || migrations.size() > MAX_MIGRATIONS) {
            checks.add(at, "must hold from 1 to " + MAX_MIGRATIONS + " migrations");
            return;
        }
        Map<List<BigInteger>, Integer> seen = new HashMap<>();
        List<BigInteger> lastExpand = null;
        int lastExpandAt = -1;
        List<BigInteger> firstContract = null;
        int firstContractAt = -1;
        for (int i = 0; i < migrations.size(); i++) {
            String itemAt = at + "[" + i + "]";
            JsonNode migration = migrations.get(i);
            if (!migration.isObject()) {
                checks.add(itemAt, "must be an object with version and kind");
                continue;
            }
            checks.onlyKnownFields(migration, itemAt, Set.of("version", "kind", "breaking"));
            Optional<List<BigInteger>> version =
                    checks.matching(
                                    migration,
                                    "version",
                                    itemAt,
                                    true,
                                    FLYWAY_VERSION,
                                    "must be a Flyway version: numbers separated by '.' or '_', e.g. 2 or 2.1")
                            .map(DatabaseMigration::versionParts);
            Optional<String> kind =
                    checks.oneOf(
                            migration,
                            "kind",
                            itemAt,
                            true,
                            Set.of(DatabaseMigration.EXPAND, DatabaseMigration.CONTRACT));
            Optional<Boolean> breaking = bool(checks, migration, "breaking", itemAt);
            if (breaking.orElse(false)
                    && kind.filter(DatabaseMigration.CONTRACT::equals).isPresent()) {
                checks.add(
                        path(itemAt, "breaking"),
                        "is for expand migrations: a contract migration runs once no old version does");
            }
            if (version.isEmpty()) {
                continue;
            }
            Integer earlier = seen.putIfAbsent(version.get(), i);
            if (earlier != null) {
                checks.add(
                        path(itemAt, "version"),
                        "repeats the version of database.migrations[" + earlier + "]");
                continue;
            }
            if (kind.filter(DatabaseMigration.EXPAND::equals).isPresent()
                    && (lastExpand == null
                            || DatabaseMigration.compare(version.get(), lastExpand) > 0)) {
                lastExpand = version.get();
                lastExpandAt = i;
            }
            if (kind.filter(DatabaseMigration.CONTRACT::equals).isPresent()
                    && (firstContract == null
                            || DatabaseMigration.compare(version.get(), firstContract) < 0)) {
                firstContract = version.get();
                firstContractAt = i;
            }
        }
        if (lastExpand != null
                && firstContract != null
                && DatabaseMigration.compare(lastExpand, firstContract) > 0) {
            checks.add(
                    at + "[" + lastExpandAt + "].version",
                    "comes after the contract migration database.migrations["
                            + firstContractAt
                            + "] in Flyway's order, which applies versions in order: every expand version"
                            + " must be lower than every contract version");
        }
    }

    private static void backup(FieldChecks checks, JsonNode backup) {
        String at = path(AT, "backup");
        checks.onlyKnownFields(backup, at, Set.of("directory", "s3_prefix"));
        checks.matching(
                backup,
                "directory",
                at,
                false,
                Formats.ABSOLUTE_PATH,
                "must be an absolute path of a directory the executor writes");
        checks.string(backup, "s3_prefix", at, false)
                .ifPresent(
                        prefix ->
                                checks.add(
                                        path(at, "s3_prefix"),
                                        "an S3 backup" + NOT_YET + "give a directory"));
        if (backup.hasNonNull("directory") == backup.hasNonNull("s3_prefix")) {
            checks.add(at, "must give exactly one of directory and s3_prefix");
        }
    }

    private static void flyway(FieldChecks checks, JsonNode flyway) {
        String at = path(AT, "flyway");
        checks.onlyKnownFields(
                flyway,
                at,
                Set.of(
                        "schemas",
                        "table",
                        "baseline_on_migrate",
                        "baseline_version",
                        "out_of_order"));
        checks.array(flyway, "schemas", at, false)
                .ifPresent(
                        schemas -> {
                            String field = path(at, "schemas");
                            if (schemas.isEmpty() || schemas.size() > MAX_SCHEMAS) {
                                checks.add(
                                        field, "must hold from 1 to " + MAX_SCHEMAS + " schemas");
                                return;
                            }
                            for (int i = 0; i < schemas.size(); i++) {
                                checks.matchingText(
                                        schemas.get(i),
                                        field + "[" + i + "]",
                                        IDENTIFIER,
                                        "must be a lowercase PostgreSQL schema name");
                            }
                        });
        checks.matching(
                flyway,
                "table",
                at,
                false,
                IDENTIFIER,
                "must be a lowercase PostgreSQL table name");
        Optional<Boolean> baseline = bool(checks, flyway, "baseline_on_migrate", at);
        checks.matching(
                        flyway,
                        "baseline_version",
                        at,
                        false,
                        FLYWAY_VERSION,
                        "must be a Flyway version: numbers separated by '.' or '_'")
                .ifPresent(
                        v -> {
                            if (!baseline.orElse(false)) {
                                checks.add(
                                        path(at, "baseline_version"),
                                        "is used only with baseline_on_migrate: true");
                            }
                        });
        bool(checks, flyway, "out_of_order", at);
    }

    /** An optional JSON boolean; anything else but null is reported. */
    static Optional<Boolean> bool(FieldChecks checks, JsonNode parent, String name, String at) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            checks.add(path(at, name), "must be true or false");
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }
}
