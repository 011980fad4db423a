package dev.stride.executor.traffic.aws;

import dev.stride.executor.aws.AwsSdk;
import dev.stride.executor.traffic.PlatformException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The AWS SDK clients the drivers use, one set per region and role: a target names its region and, optionally, a
 * role to assume (STS) on top of the SDK's default credentials chain (environment, system properties, profile, web
 * identity, container or instance role). Clients are built on first use and kept; they share one HTTP client.
 */
public final class AwsClients implements AutoCloseable {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern ROLE =
            Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    static final String SESSION_NAME = "stride-executor";

    /** One region's and role's clients. */
    public record Clients(
            ElasticLoadBalancingV2Client elb,
            AutoScalingClient autoScaling,
            EcsClient ecs,
            EcrClient ecr) {}

    private record Key(String region, String roleArn) {}

    private final AwsCredentialsProvider baseCredentials;
    private final AwsSdk sdk;
    private final SdkHttpClient http;
    private final Map<Key, Clients> clients = new ConcurrentHashMap<>();
    private final Map<Key, AutoCloseable> closeables = new ConcurrentHashMap<>();

    /**
     * {@code endpointOverride} sends every call to one address (tests, LocalStack-style fakes); {@code maxAttempts}
     * is the SDK's own attempts per call (throttling and 5xx are retried with its backoff before the executor sees
     * the failure).
     */
    public AwsClients(
            AwsCredentialsProvider baseCredentials,
            Optional<URI> endpointOverride,
            int maxAttempts,
            Duration apiCallTimeout) {
        this(
                baseCredentials,
                new AwsSdk(
                        endpointOverride,
                        maxAttempts,
                        Duration.ofSeconds(2),
                        apiCallTimeout,
                        apiCallTimeout));
    }

    /**
     * Every call has a deadline: {@code connectTimeout} to open a connection, {@code apiCallAttemptTimeout} for one
     * attempt (request sent, answer read), {@code apiCallTimeout} for the whole call with the SDK's retries. An AWS
     * endpoint that does not answer costs at most that, never the SDK's or the HTTP client's defaults.
     */
    public AwsClients(
            AwsCredentialsProvider baseCredentials,
            Optional<URI> endpointOverride,
            int maxAttempts,
            Duration connectTimeout,
            Duration apiCallAttemptTimeout,
            Duration apiCallTimeout) {
        this(
                baseCredentials,
                new AwsSdk(
                        endpointOverride,
                        maxAttempts,
                        connectTimeout,
                        apiCallAttemptTimeout,
                        apiCallTimeout));
    }

    /** Clients built as {@code sdk} says, signing with {@code baseCredentials} (and roles on top). */
    public AwsClients(AwsCredentialsProvider baseCredentials, AwsSdk sdk) {
        this.baseCredentials = Objects.requireNonNull(baseCredentials, "baseCredentials");
        this.sdk = sdk;
        this.http = sdk.httpClient();
    }

    /**
     * What calls for a target talk to, as the executor's bulkhead key: the region and the account of the role, or
     * the default credentials' account. The role's account is no secret; the role name is left out anyway.
     */
    public static String endpoint(String region, String roleArn) {
        String account =
                roleArn == null
                        ? null
                        : roleArn.replaceFirst("^arn:aws[a-z-]*:iam::(\\d{12}):.*$", "$1");
        return "aws "
                + region
                + " "
                + (account == null || account.equals(roleArn)
                        ? "(default credentials)"
                        : "account " + account);
    }

    /** The clients for {@code region}, signing as {@code roleArn} when one is given. */
    public Clients forTarget(String region, String roleArn) throws PlatformException {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new PlatformException(
                    "the target needs an AWS region such as eu-west-1, got " + region, false);
        }
        String role = roleArn == null || roleArn.isBlank() ? null : roleArn.strip();
        if (role != null && !ROLE.matcher(role).matches()) {
            throw new PlatformException(
                    "the target's roleArn is not an IAM role ARN (arn:aws:iam::<account>:role/"
                            + "<name>)",
                    false);
        }
        return clients.computeIfAbsent(new Key(region, role), this::build);
    }

    private Clients build(Key key) {
        Region region = Region.of(key.region());
        AwsCredentialsProvider credentials = baseCredentials;
        if (key.roleArn() != null) {
            StsClient sts = configure(StsClient.builder(), region, baseCredentials).build();
            StsAssumeRoleCredentialsProvider assumed =
                    StsAssumeRoleCredentialsProvider.builder()
                            .stsClient(sts)
                            .refreshRequest(
                                    r -> r.roleArn(key.roleArn()).roleSessionName(SESSION_NAME))
                            .build();
            closeables.put(
                    new Key(key.region() + "/sts", key.roleArn()),
                    () -> {
                        assumed.close();
                        sts.close();
                    });
            credentials = assumed;
        }
        Clients built =
                new Clients(
                        configure(ElasticLoadBalancingV2Client.builder(), region, credentials)
                                .build(),
                        configure(AutoScalingClient.builder(), region, credentials).build(),
                        configure(EcsClient.builder(), region, credentials).build(),
                        configure(EcrClient.builder(), region, credentials).build());
        closeables.put(
                key,
                () -> {
                    built.elb().close();
                    built.autoScaling().close();
                    built.ecs().close();
                    built.ecr().close();
                });
        return built;
    }

    private <
                    B extends
                            AwsClientBuilder<B, ?>
                                    & software.amazon.awssdk.awscore.client.builder
                                                    .AwsSyncClientBuilder<
                                            B, ?>>
            B configure(B builder, Region region, AwsCredentialsProvider credentials) {
        return sdk.configure(builder, region, credentials, http);
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables.values()) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing on shutdown: nothing left to do about it
            }
        }
        closeables.clear();
        clients.clear();
        http.close();
    }
}
