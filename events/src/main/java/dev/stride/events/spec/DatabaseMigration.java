package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The request's {@code database} block: the runbook's "Database Migration Procedures" as a part of the deployment.
 * A {@code pg_dump} backup first, then Flyway's validate, migrate and info on the scripts. Each listed version is
 * an {@code expand} migration (backward compatible: applied before the first traffic phase, so the old version
 * runs on it too) or a {@code contract} one (applied after FINALIZE, once no old version runs). Credentials are
 * references only, resolved by the executor where it runs: the password never travels in a request or an event.
 */
public record DatabaseMigration(
        String url,
        Credentials credentials,
        Scripts scripts,
        List<Migration> migrations,
        Backup backup,
        FlywayOptions flyway,
        String timeout,
        @JsonProperty("restore_on_rollback") Boolean restoreOnRollback,
        @JsonProperty("integrity_check") String integrityCheck) {

    /** How long one MIGRATION phase may take (backup and migrate) when the request gives no timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    /** The longest timeout a request may give. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(6);

    /** The kind of a migration, by when it may run. */
    public static final String EXPAND = "expand";

    public static final String CONTRACT = "contract";

    /**
     * Who connects: {@code username}, and the password by exactly one reference: an environment variable of the
     * executor ({@code password_env}), a file it can read ({@code password_file}), or an AWS Secrets Manager secret
     * ({@code secrets_manager_arn}).
     */
    public record Credentials(
            String username,
            @JsonProperty("password_env") String passwordEnv,
            @JsonProperty("password_file") String passwordFile,
            @JsonProperty("secrets_manager_arn") String secretsManagerArn) {}

    /** The Flyway scripts: a directory the executor reads, or an archive URL with its required SHA-256. */
    public record Scripts(String directory, String archive, String sha256) {}

    /** One Flyway version, what kind it is, and whether the version before this release cannot run on it. */
    public record Migration(String version, String kind, Boolean breaking) {

        @JsonIgnore
        public boolean isBreaking() {
            return Boolean.TRUE.equals(breaking);
        }
    }

    /** Where the {@code pg_dump} custom-format backup goes: a directory of the executor, or an S3 prefix. */
    public record Backup(String directory, @JsonProperty("s3_prefix") String s3Prefix) {}

    /** The Flyway settings the runbook's scripts need. */
    public record FlywayOptions(
            List<String> schemas,
            String table,
            @JsonProperty("baseline_on_migrate") Boolean baselineOnMigrate,
            @JsonProperty("baseline_version") String baselineVersion,
            @JsonProperty("out_of_order") Boolean outOfOrder) {}

    /** The timeout of each MIGRATION phase: the request's, or {@link #DEFAULT_TIMEOUT}. */
    @JsonIgnore
    public Duration timeoutOrDefault() {
        return timeout == null ? DEFAULT_TIMEOUT : Durations.parse(timeout);
    }

    /** The migrations of one kind, in the request's order. */
    public List<Migration> ofKind(String kind) {
        return migrations == null
                ? List.of()
                : migrations.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    @JsonIgnore
    public boolean restores() {
        return Boolean.TRUE.equals(restoreOnRollback);
    }

    /** The highest version of one kind: the target Flyway migrates to in that kind's phase. */
    public Optional<String> highest(String kind) {
        return ofKind(kind).stream()
                .map(Migration::version)
                .max(
                        Comparator.comparing(
                                DatabaseMigration::versionParts, DatabaseMigration::compare));
    }

    /** A Flyway version's numbers ("2.1" or "2_1"); trailing zeros dropped, as 1.0 and 1 are one version to Flyway. */
    public static List<BigInteger> versionParts(String version) {
        List<BigInteger> parts = new ArrayList<>();
        for (String part : version.split("[._]")) {
            parts.add(new BigInteger(part));
        }
        while (parts.size() > 1 && parts.get(parts.size() - 1).signum() == 0) {
            parts.remove(parts.size() - 1);
        }
        return List.copyOf(parts);
    }

    /** Flyway's order of two versions' numbers. */
    public static int compare(List<BigInteger> a, List<BigInteger> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
            BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
            int c = x.compareTo(y);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
