package dev.stride.executor.migration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.stride.executor.aws.AwsSdk;
import dev.stride.executor.migration.DatabaseCredentials.UnresolvedCredentials;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The database password by AWS Secrets Manager ARN: {@link AwsSecrets} against WireMock speaking Secrets Manager's
 * JSON 1.1 protocol ({@code X-Amz-Target: secretsmanager.GetSecretValue}), through {@link DatabaseCredentials}.
 */
class AwsSecretsTest {

    private static final String ARN =
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-AbCdEf";
    private static final String TARGET = "secretsmanager.GetSecretValue";

    private final String password = "test-only-" + UUID.randomUUID();
    private WireMockServer aws;
    private AwsSecrets secrets;

    @BeforeEach
    void start() {
        aws = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        aws.start();
        secrets = secrets(URI.create("http://127.0.0.1:" + aws.port()), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        secrets.close();
        aws.stop();
    }

    @Test
    void aPlainSecretStringIsThePassword() throws Exception {
        answer(
                200,
                "{\"ARN\": \""
                        + ARN
                        + "\", \"Name\": \"orders/db\", \"SecretString\": \""
                        + password
                        + "\"}");

        PostgresDatabase database = credentials().resolve(request());

        assertThat(database.password()).isEqualTo(password);
        aws.verify(
                postRequestedFor(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo(TARGET))
                        .withRequestBody(matchingJsonPath("$.SecretId", equalTo(ARN))));
    }

    @Test
    void anRdsStyleJsonSecretGivesItsPassword() throws Exception {
        String value =
                "{\\\"username\\\": \\\"orders\\\", \\\"password\\\": \\\""
                        + password
                        + "\\\", \\\"port\\\": 5432}";
        answer(200, "{\"ARN\": \"" + ARN + "\", \"SecretString\": \"" + value + "\"}");

        assertThat(credentials().resolve(request()).password()).isEqualTo(password);
    }

    @Test
    void aMissingOrForbiddenSecretIsRefusedByNameWithoutItsValue() {
        answer(
                400,
                "{\"__type\": \"ResourceNotFoundException\", \"message\": \"Secrets Manager can't find the specified secret.\"}");
        assertThatThrownBy(() -> credentials().resolve(request()))
                .isInstanceOf(UnresolvedCredentials.class)
                .hasMessage("database.credentials.secrets_manager_arn " + ARN + " names no secret");

        aws.resetAll();
        answer(400, "{\"__type\": \"AccessDeniedException\", \"message\": \"not authorized\"}");
        assertThatThrownBy(() -> credentials().resolve(request()))
                .isInstanceOf(UnresolvedCredentials.class)
                .hasMessageContaining("refused GetSecretValue (AccessDeniedException)")
                .hasMessageContaining("needs secretsmanager:GetSecretValue");

        aws.resetAll();
        answer(
                200,
                "{\"ARN\": \""
                        + ARN
                        + "\", \"SecretString\": \"{\\\"user\\\": \\\""
                        + password
                        + "\\\"}\"}");
        assertThatThrownBy(() -> credentials().resolve(request()))
                .isInstanceOf(UnresolvedCredentials.class)
                .hasMessageContaining("a JSON object without a password")
                .hasMessageNotContaining(password);
    }

    @Test
    void aSecretsManagerThatNeverAnswersCostsTheDeadlineAndNoMore() throws Exception {
        // A loopback black hole: it accepts and never answers.
        try (ServerSocket hole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                AwsSecrets slow =
                        secrets(
                                URI.create("http://127.0.0.1:" + hole.getLocalPort()),
                                Duration.ofSeconds(1))) {
            long began = System.nanoTime();
            assertThatThrownBy(() -> new DatabaseCredentials(Map.of(), slow).resolve(request()))
                    .isInstanceOf(UnresolvedCredentials.class)
                    .hasMessageContaining("AWS Secrets Manager in eu-west-1 did not answer");
            assertThat(Duration.ofNanos(System.nanoTime() - began))
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void anArnOfAnotherServiceIsNotRead() {
        assertThatThrownBy(() -> secrets.read("arn:aws:iam::123456789012:role/x"))
                .isInstanceOf(UnresolvedCredentials.class)
                .hasMessageContaining("is not a Secrets Manager secret ARN");
        assertThat(aws.getAllServeEvents()).isEmpty();
    }

    private void answer(int status, String body) {
        aws.stubFor(
                post(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo(TARGET))
                        .willReturn(
                                aResponse()
                                        .withStatus(status)
                                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                                        .withBody(body)));
    }

    private DatabaseCredentials credentials() {
        return new DatabaseCredentials(Map.of(), secrets);
    }

    private static AwsSecrets secrets(URI endpoint, Duration timeout) {
        return new AwsSecrets(
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(
                                "test-only-key", "test-only-" + UUID.randomUUID())),
                new AwsSdk(Optional.of(endpoint), 1, Duration.ofSeconds(1), timeout, timeout));
    }

    private static MigrationRequest request() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("stage", "expand");
        p.put("backup", false);
        p.put("target", "1");
        p.put("url", "jdbc:postgresql://db.internal:5432/orders");
        p.put("credentials", Map.of("username", "orders", "passwordSecretArn", ARN));
        p.put("scripts", Map.of("directory", Path.of("/srv/migrations").toString()));
        p.put("migrations", List.of(Map.of("version", "1", "kind", "expand")));
        p.put("backupDirectory", "/var/backups");
        return MigrationRequest.parse(p);
    }
}
