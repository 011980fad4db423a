package dev.stride.planner.plan;

import dev.stride.events.spec.DatabaseMigration;
import dev.stride.events.spec.DatabaseMigration.Migration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a MIGRATION phase, from the request's {@code database} block, as the executor's
 * {@code migration.MigrationRequest} reads them: the stage and its target (the highest version of the stage's
 * kind), whether the phase backs up first, the connection with its credentials references (never a password),
 * the scripts, every listed version with its kind, the backup directory, the Flyway options and the timeout.
 */
final class MigrationPhases {

    private MigrationPhases() {}

    static Map<String, Object> parameters(
            DatabaseMigration database, String stage, boolean backup) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("stage", stage);
        parameters.put("backup", backup);
        parameters.put(
                "target",
                database.highest(stage)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "database.migrations has no "
                                                        + stage
                                                        + " migration")));
        parameters.put("url", database.url());
        Map<String, Object> credentials = new LinkedHashMap<>();
        DatabaseMigration.Credentials given = database.credentials();
        credentials.put("username", given.username());
        putIfPresent(credentials, "passwordEnv", given.passwordEnv());
        putIfPresent(credentials, "passwordFile", given.passwordFile());
        putIfPresent(credentials, "passwordSecretArn", given.secretsManagerArn());
        parameters.put("credentials", credentials);
        Map<String, Object> scripts = new LinkedHashMap<>();
        putIfPresent(scripts, "directory", database.scripts().directory());
        putIfPresent(scripts, "archive", database.scripts().archive());
        putIfPresent(scripts, "sha256", database.scripts().sha256());
        parameters.put("scripts", scripts);
        List<Map<String, Object>> migrations = new ArrayList<>();
        for (Migration migration : database.migrations()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("version", migration.version());
            item.put("kind", migration.kind());
            item.put("breaking", migration.isBreaking());
            migrations.add(item);
        }
        parameters.put("migrations", migrations);
        parameters.put("backupDirectory", database.backup().directory());
        DatabaseMigration.FlywayOptions flyway = database.flyway();
        if (flyway != null) {
            Map<String, Object> options = new LinkedHashMap<>();
            if (flyway.schemas() != null && !flyway.schemas().isEmpty()) {
                options.put("schemas", List.copyOf(flyway.schemas()));
            }
            putIfPresent(options, "table", flyway.table());
            putIfPresent(options, "baselineOnMigrate", flyway.baselineOnMigrate());
            putIfPresent(options, "baselineVersion", flyway.baselineVersion());
            putIfPresent(options, "outOfOrder", flyway.outOfOrder());
            parameters.put("flyway", options);
        }
        parameters.put(
                "timeout",
                database.timeout() == null
                        ? DatabaseMigration.DEFAULT_TIMEOUT.toMinutes() + "m"
                        : database.timeout());
        parameters.put("restoreOnRollback", database.restores());
        putIfPresent(parameters, "integrityCheck", database.integrityCheck());
        return parameters;
    }

    private static final java.util.regex.Pattern SERVER =
            java.util.regex.Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/(.+)");

    /**
     * The database block's server as the verifier's pre- and post-deployment checks reach it: host, port (5432
     * unless the URL gives one) and database name. Only these: the credentials stay with the executor, which is the
     * one that logs in; the verifier checks that PostgreSQL answers there.
     */
    static Map<String, Object> server(DatabaseMigration database) {
        var matcher = SERVER.matcher(database.url());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "database.url must be jdbc:postgresql://host[:port]/database");
        }
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("host", matcher.group(1));
        server.put(
                "port",
                matcher.group(2) == null
                        ? CheckPhases.DEFAULT_DATABASE_PORT
                        : Integer.parseInt(matcher.group(2)));
        server.put("database", matcher.group(3));
        return server;
    }

    private static void putIfPresent(Map<String, Object> parameters, String key, Object value) {
        if (value != null) {
            parameters.put(key, value);
        }
    }
}
