package dev.stride.executor.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves a request's credentials reference where the executor runs: an environment variable of the executor, a
 * file it reads (a mounted Kubernetes Secret, say), or an AWS Secrets Manager secret it may read (its
 * {@code SecretString}: the password, or a JSON object with a {@code password}, as RDS keeps it). What cannot be
 * resolved is refused before anything changes, with a message that names the reference and never the value.
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

    /** Reads a secret's {@code SecretString} by its ARN, within a deadline of its own. */
    @FunctionalInterface
    public interface SecretReader {
        String read(String arn) throws UnresolvedCredentials;
    }

    private static final SecretReader NO_SECRETS =
            arn -> {
                throw new UnresolvedCredentials(
                        "database.credentials.secrets_manager_arn: this executor reads no AWS Secrets Manager");
            };

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, String> environment;
    private final SecretReader secrets;

    /** Reads this process's environment, and secrets with {@code secrets}. */
    public DatabaseCredentials(SecretReader secrets) {
        this(System::getenv, secrets);
    }

    /** Reads {@code environment} instead of the process's (tests); no secrets. */
    public DatabaseCredentials(Map<String, String> environment) {
        this(environment::get, NO_SECRETS);
    }

    /** Reads {@code environment} instead of the process's, and secrets with {@code secrets} (tests). */
    public DatabaseCredentials(Map<String, String> environment, SecretReader secrets) {
        this(environment::get, secrets);
    }

    private DatabaseCredentials(Function<String, String> environment, SecretReader secrets) {
        this.environment = environment;
        this.secrets = secrets;
    }

    /** The password in a secret's value: the value itself, or the {@code password} of a JSON object. */
    static String passwordIn(String arn, String value) throws UnresolvedCredentials {
        String text = value == null ? "" : value.strip();
        if (text.startsWith("{")) {
            try {
                JsonNode password = JSON.readTree(text).path("password");
                if (!password.isTextual() || password.asText().isEmpty()) {
                    throw new UnresolvedCredentials(
                            "database.credentials.secrets_manager_arn "
                                    + arn
                                    + " holds a JSON object without a password");
                }
                return password.asText();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UnresolvedCredentials(
                        "database.credentials.secrets_manager_arn "
                                + arn
                                + " holds text that starts like JSON and is not");
            }
        }
        if (text.isEmpty()) {
            throw new UnresolvedCredentials(
                    "database.credentials.secrets_manager_arn " + arn + " holds no SecretString");
        }
        return text;
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
        } else if (request.passwordSecretArn().isPresent()) {
            String arn = request.passwordSecretArn().get();
            password = passwordIn(arn, secrets.read(arn));
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
