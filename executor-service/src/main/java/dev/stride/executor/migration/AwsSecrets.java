package dev.stride.executor.migration;

import dev.stride.executor.aws.AwsSdk;
import dev.stride.executor.migration.DatabaseCredentials.UnresolvedCredentials;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * A database password kept in AWS Secrets Manager, read by its ARN with {@code GetSecretValue} in the ARN's region,
 * signed with the SDK's default credentials chain (the executor's role needs {@code secretsmanager:GetSecretValue}
 * on the secret, and {@code kms:Decrypt} if its key is a customer one). Every call has the executor's AWS
 * deadlines ({@code stride.executor.aws.*}); a failure names the ARN and what went wrong, never the value. The
 * secret is read when the phase runs and kept nowhere.
 */
public final class AwsSecrets implements DatabaseCredentials.SecretReader, AutoCloseable {

    static final Pattern ARN =
            Pattern.compile(
                    "arn:aws[a-z-]*:secretsmanager:([a-z]{2}(-[a-z]+)+-\\d{1,2}):(\\d{12}):secret:[A-Za-z0-9/_+=.@-]{1,512}");

    private final AwsCredentialsProvider credentials;
    private final AwsSdk sdk;
    private final SdkHttpClient http;
    private final Map<String, SecretsManagerClient> clients = new ConcurrentHashMap<>();

    public AwsSecrets(AwsCredentialsProvider credentials, AwsSdk sdk) {
        this.credentials = credentials;
        this.sdk = sdk;
        this.http = sdk.httpClient();
    }

    @Override
    public String read(String arn) throws UnresolvedCredentials {
        Matcher matcher = ARN.matcher(arn == null ? "" : arn);
        if (!matcher.matches()) {
            throw new UnresolvedCredentials(
                    "database.credentials.secrets_manager_arn "
                            + arn
                            + " is not a Secrets Manager secret ARN");
        }
        String region = matcher.group(1);
        SecretsManagerClient client = clients.computeIfAbsent(region, this::build);
        GetSecretValueResponse secret;
        try {
            secret = client.getSecretValue(r -> r.secretId(arn));
        } catch (ResourceNotFoundException e) {
            throw new UnresolvedCredentials(
                    "database.credentials.secrets_manager_arn " + arn + " names no secret");
        } catch (SecretsManagerException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new UnresolvedCredentials(
                    "database.credentials.secrets_manager_arn "
                            + arn
                            + ": AWS Secrets Manager refused GetSecretValue ("
                            + (code == null ? "HTTP " + e.statusCode() : code)
                            + ")"
                            + ("AccessDeniedException".equals(code)
                                    ? "; the executor's role needs secretsmanager:GetSecretValue on it"
                                    : ""));
        } catch (SdkClientException e) {
            throw new UnresolvedCredentials(
                    "database.credentials.secrets_manager_arn "
                            + arn
                            + ": AWS Secrets Manager in "
                            + region
                            + " did not answer within "
                            + sdk.apiCallTimeout().toSeconds()
                            + " s ("
                            + e.getClass().getSimpleName()
                            + ")");
        }
        if (secret.secretString() == null) {
            throw new UnresolvedCredentials(
                    "database.credentials.secrets_manager_arn "
                            + arn
                            + " holds a binary secret, not a SecretString");
        }
        return secret.secretString();
    }

    private SecretsManagerClient build(String region) {
        return sdk.configure(SecretsManagerClient.builder(), Region.of(region), credentials, http)
                .build();
    }

    @Override
    public void close() {
        clients.values().forEach(SecretsManagerClient::close);
        clients.clear();
        http.close();
    }
}
