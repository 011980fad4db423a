package dev.stride.executor.migration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves a request's credentials reference where the executor runs: an environment variable of the executor, or
 * a file it reads (a mounted Kubernetes Secret, say). What cannot be resolved is refused before anything changes,
 * with a message that names the reference and never the value.
 */
public final class DatabaseCredentials {

    /** A password file larger than this is not a password. */
    static final long MAX_FILE_BYTES = 4096;

    /** The reference did not resolve; the message names it and holds no secret. */
    public static final class UnresolvedCredentials extends Exception {
        public UnresolvedCredentials(String message) {
            super(message);
        }
    }

    private final Function<String, String> environment;

    /** Reads this process's environment. */
    public DatabaseCredentials() {
        this(System::getenv);
    }

    /** Reads {@code environment} instead of the process's (tests). */
    public DatabaseCredentials(Map<String, String> environment) {
        this(environment::get);
    }

    private DatabaseCredentials(Function<String, String> environment) {
        this.environment = environment;
    }

    /** The database of {@code request}, with its password resolved. */
    public PostgresDatabase resolve(MigrationRequest request) throws UnresolvedCredentials {
        String password;
        if (request.passwordEnv().isPresent()) {
            String name = request.passwordEnv().get();
            password = environment.apply(name);
            if (password == null || password.isEmpty()) {
                throw new UnresolvedCredentials(
                        "database.credentials.password_env names "
                                + name
                                + ", which is not set in the executor's environment");
            }
        } else {
            Path file = request.passwordFile().orElseThrow();
            try {
                if (!Files.isRegularFile(file)) {
                    throw new UnresolvedCredentials(
                            "database.credentials.password_file "
                                    + file
                                    + " is not a file the executor can read");
                }
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new UnresolvedCredentials(
                            "database.credentials.password_file "
                                    + file
                                    + " holds more than "
                                    + MAX_FILE_BYTES
                                    + " bytes: not a password");
                }
                password = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UnresolvedCredentials(
                        "database.credentials.password_file "
                                + file
                                + " cannot be read: "
                                + e.getClass().getSimpleName());
            }
            if (password.isEmpty()) {
                throw new UnresolvedCredentials(
                        "database.credentials.password_file " + file + " is empty");
            }
        }
        try {
            return new PostgresDatabase(
                    request.host(),
                    request.port(),
                    request.database(),
                    request.username(),
                    password);
        } catch (IllegalArgumentException e) {
            throw new UnresolvedCredentials("database: " + e.getMessage());
        }
    }
}
