package dev.stride.executor.migration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The MIGRATION phase's parts, from the executor's configuration. */
@ApplicationScoped
public class MigrationProducers {

    @Produces
    @ApplicationScoped
    MigrationPhase migrationPhase(
            @ConfigProperty(name = "stride.executor.migration.work-directory")
                    Optional<String> workDirectory,
            @ConfigProperty(name = "stride.executor.migration.pg-dump", defaultValue = "pg_dump")
                    String pgDump,
            @ConfigProperty(
                            name = "stride.executor.migration.pg-restore",
                            defaultValue = "pg_restore")
                    String pgRestore) {
        Path work =
                workDirectory
                        .map(Path::of)
                        .orElseGet(
                                () ->
                                        Path.of(System.getProperty("java.io.tmpdir"))
                                                .resolve("stride-migration-scripts"));
        return new MigrationPhase(
                new DatabaseCredentials(),
                new ScriptSources(work),
                new DatabaseBackups(pgDump, pgRestore));
    }
}
