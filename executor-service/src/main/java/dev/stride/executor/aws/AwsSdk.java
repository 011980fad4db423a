package dev.stride.executor.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * How the executor's AWS SDK clients are built, the same for the platform drivers ({@code traffic.aws}) and the
 * MIGRATION phase's Secrets Manager: every call has a deadline ({@code connectTimeout} to open a connection,
 * {@code apiCallAttemptTimeout} for one attempt, {@code apiCallTimeout} for the call with the SDK's retries),
 * {@code maxAttempts} attempts with the SDK's standard backoff, and {@code endpointOverride} sends every call to
 * one address (tests, LocalStack-style fakes). Read once from {@code stride.executor.aws.*} ({@link
 * AwsSdkProducer}).
 */
public record AwsSdk(
        Optional<URI> endpointOverride,
        int maxAttempts,
        Duration connectTimeout,
        Duration apiCallAttemptTimeout,
        Duration apiCallTimeout) {

    public AwsSdk {
        maxAttempts = Math.max(1, maxAttempts);
    }

    /** An HTTP client with the connect and read deadlines; its owner closes it. */
    public SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(connectTimeout)
                .socketTimeout(apiCallAttemptTimeout)
                .build();
    }

    /** {@code builder} in {@code region}, signing with {@code credentials}, over {@code http}, with the deadlines. */
    public <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, Region region, AwsCredentialsProvider credentials, SdkHttpClient http) {
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClient(http)
                .overrideConfiguration(
                        ClientOverrideConfiguration.builder()
                                .apiCallTimeout(apiCallTimeout)
                                .apiCallAttemptTimeout(apiCallAttemptTimeout)
                                .retryStrategy(
                                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                                .maxAttempts(maxAttempts)
                                                .build())
                                .build());
        endpointOverride.ifPresent(builder::endpointOverride);
        return builder;
    }
}
