package dev.stride.executor.migration;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters the planner puts on a MIGRATION phase ({@code MigrationPhases}), here for a {@link FreshDatabase}:
 * the scripts in a directory, the password in a file, the backups in a directory. A test changes what it needs
 * with {@link #with}.
 */
final class MigrationParameters {

    private final Map<String, Object> values = new LinkedHashMap<>();

    private MigrationParameters() {}

    static MigrationParameters of(FreshDatabase db, Path passwordFile, Path scripts, Path backups) {
        MigrationParameters p = new MigrationParameters();
        p.values.put("stage", "expand");
        p.values.put("backup", false);
        p.values.put("target", "2");
        p.values.put(
                "url",
                "jdbc:postgresql://"
                        + db.database.host()
                        + ":"
                        + db.database.port()
                        + "/"
                        + db.database.database());
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("username", db.database.user());
        credentials.put("passwordFile", passwordFile.toString());
        p.values.put("credentials", credentials);
        p.values.put("scripts", Map.of("directory", scripts.toString()));
        p.values.put("migrations", List.of(expand("1"), expand("2")));
        p.values.put("backupDirectory", backups.toString());
        p.values.put("timeout", "2m");
        p.values.put("application", "orders");
        p.values.put("environment", "staging");
        return p;
    }

    static Map<String, Object> expand(String version) {
        return Map.of("version", version, "kind", "expand");
    }

    MigrationParameters with(String key, Object value) {
        values.put(key, value);
        return this;
    }

    MigrationParameters stage(String stage, boolean backup, String target) {
        return with("stage", stage).with("backup", backup).with("target", target);
    }

    Map<String, Object> map() {
        return new LinkedHashMap<>(values);
    }

    MigrationRequest request() {
        return MigrationRequest.parse(map());
    }
}
