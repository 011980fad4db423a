package dev.stride.executor.migration;

import dev.stride.executor.aws.AwsSdk;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** The MIGRATION phase's parts, from the executor's configuration. */
@ApplicationScoped
public class MigrationProducers {

    // The drivers' AWS settings: one endpoint override, the same deadlines.
    @Produces
    @Singleton
    AwsSecrets awsSecrets(AwsSdk sdk) {
        return new AwsSecrets(DefaultCredentialsProvider.builder().build(), sdk);
    }

    void close(@Disposes AwsSecrets secrets) {
        secrets.close();
    }

    @Produces
    @ApplicationScoped
    MigrationPhase migrationPhase(
            AwsSecrets secrets,
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
                new DatabaseCredentials(secrets),
                new ScriptSources(work),
                new DatabaseBackups(pgDump, pgRestore));
    }
}
