package dev.stride.planner.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.check.Violation;
import dev.stride.planner.Requests;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The request's {@code database} block: what is accepted, and each refusal by its field and reason. */
class DatabaseRulesTest {

    private final DeploymentRequestValidator validator = new DeploymentRequestValidator();

    @Test
    void theRunbooksMigrationAsADatabaseBlockIsAccepted() {
        assertThat(validator.validate(Requests.json("canary-database"))).isEmpty();
    }

    @Test
    void anInlinePasswordIsRefusedOverRestAndOnKafkaAlike() {
        ObjectNode doc = Requests.json("canary-database");
        String password = "made-up-" + java.util.UUID.randomUUID();
        credentials(doc).put("password", password);

        for (boolean kafka : List.of(false, true)) {
            List<Violation> violations = validator.validate(doc, kafka);
            assertThat(violations)
                    .extracting(Violation::field)
                    .containsExactly("database.credentials.password");
            assertThat(violations.get(0).message())
                    .startsWith("an inline password is refused")
                    .doesNotContain(password);
        }
    }

    @Test
    void anExpandVersionAfterAContractVersionIsRefusedBecauseFlywayAppliesInOrder() {
        ObjectNode doc = Requests.json("canary-database");
        migrations(doc).addObject().put("version", "4").put("kind", "expand");

        assertThat(validator.validate(doc))
                .containsExactly(
                        new Violation(
                                "database.migrations[2].version",
                                "comes after the contract migration database.migrations[1] in Flyway's order, which"
                                        + " applies versions in order: every expand version must be lower than"
                                        + " every contract version"));
    }

    @Test
    void aBreakingExpandMigrationNeedsMaintenanceModeOnEveryStrategy() {
        for (String strategy : List.of("canary", "blue-green", "rolling")) {
            ObjectNode doc = Requests.json(strategy);
            doc.set("database", Requests.json("canary-database").path("database").deepCopy());
            ((ObjectNode) migrations(doc).get(0)).put("breaking", true);

            assertThat(validator.validate(doc))
                    .as(strategy)
                    .extracting(Violation::field)
                    .containsExactly("database.migrations[0].breaking");
            assertThat(validator.validate(doc).get(0).message())
                    .contains("cannot roll back safely", "target.maintenanceMode");
        }
        ObjectNode maintained = Requests.json("canary-database");
        ((ObjectNode) migrations(maintained).get(0)).put("breaking", true);
        ((ObjectNode) maintained.path("target"))
                .put("ingress", "checkout")
                .put("service", "checkout")
                .put("maintenanceMode", true);
        assertThat(validator.validate(maintained)).isEmpty();
    }

    @Test
    void restoreOnRollbackIsAcceptedWhereTheApplicationCanBeStoppedInMaintenanceMode() {
        ObjectNode doc = Requests.json("canary-database");
        ((ObjectNode) doc.path("database"))
                .put("restore_on_rollback", true)
                .put("integrity_check", "SELECT count(*) > 0 FROM orders;");
        assertThat(validator.validate(doc))
                .singleElement()
                .satisfies(
                        v -> {
                            assertThat(v.field()).isEqualTo("database.restore_on_rollback");
                            assertThat(v.message())
                                    .contains("target.maintenanceMode")
                                    .contains(
                                            "scaling to zero is not supported by this Stride yet");
                        });

        ((ObjectNode) doc.path("target"))
                .put("ingress", "checkout")
                .put("service", "checkout")
                .put("maintenanceMode", true);
        assertThat(validator.validate(doc)).isEmpty();
    }

    static Stream<Arguments> brokenBlocks() {
        return Stream.of(
                broken(
                        "a URL with a password",
                        d -> database(d).put("url", "jdbc:postgresql://u:p@db:5432/x"),
                        "database.url"),
                broken(
                        "a URL with parameters",
                        d -> database(d).put("url", "jdbc:postgresql://db/x?password=p"),
                        "database.url"),
                broken(
                        "another database",
                        d -> database(d).put("url", "jdbc:mysql://db/x"),
                        "database.url"),
                broken(
                        "no password reference",
                        d -> credentials(d).remove("password_env"),
                        "database.credentials"),
                broken(
                        "two references",
                        d -> credentials(d).put("password_file", "/run/secrets/db"),
                        "database.credentials"),
                broken(
                        "an env name with a dash",
                        d -> credentials(d).put("password_env", "DB-PASS"),
                        "database.credentials.password_env"),
                broken(
                        "a relative password file",
                        d -> {
                            credentials(d).remove("password_env");
                            credentials(d).put("password_file", "secrets/db");
                        },
                        "database.credentials.password_file"),
                broken(
                        "a Secrets Manager ARN of another service",
                        d -> {
                            credentials(d).remove("password_env");
                            credentials(d)
                                    .put(
                                            "secrets_manager_arn",
                                            "arn:aws:iam::123456789012:role/db");
                        },
                        "database.credentials.secrets_manager_arn"),
                broken(
                        "a Secrets Manager ARN beside an env name",
                        d ->
                                credentials(d)
                                        .put(
                                                "secrets_manager_arn",
                                                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"),
                        "database.credentials"),
                broken(
                        "no username",
                        d -> credentials(d).remove("username"),
                        "database.credentials.username"),
                broken(
                        "both directory and archive",
                        d ->
                                scripts(d)
                                        .put("archive", "https://example.com/m.zip")
                                        .put("sha256", "a".repeat(64)),
                        "database.scripts"),
                broken(
                        "an archive without checksum",
                        d -> {
                            scripts(d).remove("directory");
                            scripts(d).put("archive", "https://example.com/m.zip");
                        },
                        "database.scripts.sha256"),
                broken(
                        "an http archive",
                        d -> {
                            scripts(d).remove("directory");
                            scripts(d)
                                    .put("archive", "http://example.com/m.zip")
                                    .put("sha256", "a".repeat(64));
                        },
                        "database.scripts.archive"),
                broken(
                        "an S3 archive, not yet",
                        d -> {
                            scripts(d).remove("directory");
                            scripts(d)
                                    .put("archive", "s3://bucket/m.zip")
                                    .put("sha256", "a".repeat(64));
                        },
                        "database.scripts.archive"),
                broken(
                        "a checksum with a directory",
                        d -> scripts(d).put("sha256", "a".repeat(64)),
                        "database.scripts.sha256"),
                broken("no migrations", d -> migrations(d).removeAll(), "database.migrations"),
                broken(
                        "a version twice",
                        d -> migrations(d).addObject().put("version", "2.0").put("kind", "expand"),
                        "database.migrations[2].version"),
                broken(
                        "a version that is no version",
                        d -> ((ObjectNode) migrations(d).get(0)).put("version", "v2"),
                        "database.migrations[0].version"),
                broken(
                        "an unknown kind",
                        d -> ((ObjectNode) migrations(d).get(0)).put("kind", "migrate"),
                        "database.migrations[0].kind"),
                broken(
                        "a breaking contract",
                        d -> ((ObjectNode) migrations(d).get(1)).put("breaking", true),
                        "database.migrations[1].breaking"),
                broken("no backup", d -> database(d).remove("backup"), "database.backup"),
                broken(
                        "an S3 backup, not yet",
                        d ->
                                ((ObjectNode) database(d).path("backup"))
                                        .put("s3_prefix", "s3://bucket/backups/"),
                        "database.backup.s3_prefix"),
                broken(
                        "a timeout over 6h",
                        d -> database(d).put("timeout", "7h"),
                        "database.timeout"),
                broken(
                        "a baseline version without baselining",
                        d -> ((ObjectNode) database(d).path("flyway")).put("baseline_version", "1"),
                        "database.flyway.baseline_version"),
                broken(
                        "an upper-case schema",
                        d ->
                                ((ObjectNode) database(d).path("flyway"))
                                        .putArray("schemas")
                                        .add("Public"),
                        "database.flyway.schemas[0]"),
                broken(
                        "out of order as a word",
                        d -> ((ObjectNode) database(d).path("flyway")).put("out_of_order", "yes"),
                        "database.flyway.out_of_order"),
                broken(
                        "restore on rollback without maintenance mode",
                        d -> database(d).put("restore_on_rollback", true),
                        "database.restore_on_rollback"),
                broken(
                        "an integrity check without a restore",
                        d -> database(d).put("integrity_check", "SELECT true"),
                        "database.integrity_check"),
                broken(
                        "an integrity check of two statements",
                        d ->
                                database(d)
                                        .put("restore_on_rollback", true)
                                        .put("integrity_check", "SELECT true; DROP TABLE orders"),
                        "database.integrity_check"),
                broken(
                        "an unknown field",
                        d -> database(d).put("restore_script", "restore.sh"),
                        "database.restore_script"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBlocks")
    void aBrokenBlockIsRefusedNamingItsField(
            String name, Consumer<ObjectNode> change, String field) {
        ObjectNode doc = Requests.json("canary-database");
        change.accept(doc);
        assertThat(validator.validate(doc)).extracting(Violation::field).contains(field);
    }

    private static Arguments broken(String name, Consumer<ObjectNode> change, String field) {
        return Arguments.of(name, change, field);
    }

    private static ObjectNode database(ObjectNode doc) {
        return (ObjectNode) doc.path("database");
    }

    private static ObjectNode credentials(ObjectNode doc) {
        return (ObjectNode) doc.at("/database/credentials");
    }

    private static ObjectNode scripts(ObjectNode doc) {
        return (ObjectNode) doc.at("/database/scripts");
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode migrations(ObjectNode doc) {
        return (com.fasterxml.jackson.databind.node.ArrayNode) doc.at("/database/migrations");
    }
}
