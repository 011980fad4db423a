package dev.stride.executor.traffic.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.executor.run.PhaseActions;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.aws.FakeAws.Call;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** AWS's error answers over the wire, mapped to retry (transient) or a clear failure; roles; no secrets in text. */
class AwsErrorsTest {

    static final String RULE = AlbBlueGreenDriverTest.RULE;
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private static FakeAws aws;
    private AwsClients clients;
    private AlbBlueGreenDriver alb;
    private EcsServiceDriver ecs;
    private final AwsAlbTarget albTarget = new AwsAlbTarget("eu-west-1", null, RULE, null);
    private final AwsEcsTarget ecsTarget =
            new AwsEcsTarget("eu-west-1", "prod", "shop", "app", null);

    @BeforeAll
    static void start() {
        aws = new FakeAws();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @BeforeEach
    void world() {
        aws.reset();
        aws.targetGroup("app-green-tg");
        aws.route(RULE, "app-blue-tg");
        aws.autoScalingGroup("app-blue-asg", "app-blue-tg", 2, 3, 6);
        aws.autoScalingGroup("app-green-asg", "app-green-tg", 0, 0, 6);
        aws.ecsService("prod", "shop", "app", EcsServiceDriverTest.OLD);
        aws.images.add("shop:1.4.2");
        clients =
                new AwsClients(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET)),
                        Optional.of(aws.endpoint()),
                        1,
                        Duration.ofSeconds(5));
        alb = new AlbBlueGreenDriver(clients, Duration.ZERO, (d, t) -> t.run(), Clock.systemUTC());
        ecs = new EcsServiceDriver(clients, Duration.ofSeconds(5), Duration.ofMillis(20));
    }

    @AfterEach
    void close() {
        clients.close();
    }

    @Test
    void throttlingAndServerErrorsAreTransient() {
        aws.failNext("DescribeRules", 400, "Throttling", "Rate exceeded");
        assertThat(failure(() -> alb.read(albTarget)))
                .satisfies(
                        e -> {
                            assertThat(e.isTransient()).isTrue();
                            assertThat(e.getMessage())
                                    .startsWith(
                                            "ELB DescribeRules on listener rule listener-rule/app/shop/")
                                    .endsWith("failed: Throttling: Rate exceeded");
                        });
        aws.failNext("UpdateAutoScalingGroup", 503, "ServiceUnavailable", "Service is unavailable");
        assertThat(
                        failure(
                                        () ->
                                                alb.apply(
                                                        albTarget,
                                                        PhaseActions.parse(
                                                                albTarget.platform(),
                                                                PhaseType.TRAFFIC,
                                                                AlbBlueGreenDriverTest.phase(10))))
                                .isTransient())
                .isTrue();
        aws.failNext("DescribeServices", 400, "ThrottlingException", "Rate exceeded");
        assertThat(failure(() -> ecs.read(ecsTarget)).isTransient()).isTrue();
        aws.failNext("UpdateService", 500, "ServerException", "Internal error");
        assertThat(
                        failure(
                                        () ->
                                                ecs.apply(
                                                        ecsTarget,
                                                        PhaseActions.parse(
                                                                ecsTarget.platform(),
                                                                PhaseType.ROLLOUT,
                                                                EcsServiceDriverTest.rollout(
                                                                        EcsServiceDriverTest.NEW))))
                                .isTransient())
                .isTrue();
    }

    @Test
    void notFoundAccessDeniedAndValidationAreClearFailuresWithAwsReasonAndNoSecrets() {
        aws.failNext("DescribeRules", 400, "RuleNotFound", "One or more rules not found");
        PlatformException notFound = failure(() -> alb.read(albTarget));
        assertThat(notFound.isTransient()).isFalse();
        assertThat(notFound.getMessage())
                .endsWith("failed: RuleNotFound: One or more rules not found");

        aws.failNext(
                "ModifyRule",
                403,
                "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/deployer/x "
                        + "is not authorized to perform: elasticloadbalancing:ModifyRule (key AKIAIOSFODNN7EXAMPLE, see "
                        + "https://example.s3.amazonaws.com/policy.json?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE&"
                        + "X-Amz-Signature=0123abcd&X-Amz-Security-Token=FwoGZXIvYXdzEJr)");
        PlatformException denied =
                failure(
                        () ->
                                alb.apply(
                                        albTarget,
                                        PhaseActions.parse(
                                                albTarget.platform(),
                                                PhaseType.TRAFFIC,
                                                AlbBlueGreenDriverTest.phase(10))));
        assertThat(denied.isTransient()).isFalse();
        assertThat(denied.getMessage())
                .contains(
                        "AccessDenied: User: arn:aws:sts::123456789012:assumed-role/"
                                + "deployer/x is not authorized to perform: elasticloadbalancing:ModifyRule")
                .contains("https://example.s3.amazonaws.com/policy.json?<redacted>")
                .doesNotContain(
                        "AKIAIOSFODNN7EXAMPLE",
                        "X-Amz-Signature",
                        "0123abcd",
                        "FwoGZXIvYXdzEJr",
                        SECRET);
        assertThat(denied.getCause()).isNull();

        aws.failNext(
                "UpdateAutoScalingGroup",
                400,
                "ValidationError",
                "Desired capacity:3 must be between the specified min size:0 and max size:2");
        PlatformException invalid =
                failure(
                        () ->
                                alb.apply(
                                        albTarget,
                                        PhaseActions.parse(
                                                albTarget.platform(),
                                                PhaseType.TRAFFIC,
                                                AlbBlueGreenDriverTest.phase(10))));
        assertThat(invalid.isTransient()).isFalse();
        assertThat(invalid.getMessage())
                .isEqualTo(
                        "AutoScaling UpdateAutoScalingGroup app-green-asg failed: "
                                + "ValidationError: Desired capacity:3 must be between the specified min size:0 and max size:2");

        aws.failNext("DescribeServices", 400, "ClusterNotFoundException", "Cluster not found.");
        PlatformException noCluster = failure(() -> ecs.read(ecsTarget));
        assertThat(noCluster.isTransient()).isFalse();
        assertThat(noCluster.getMessage())
                .isEqualTo(
                        "ECS DescribeServices ECS service shop in cluster prod failed: "
                                + "ClusterNotFoundException: Cluster not found.");

        aws.failNext(
                "RegisterTaskDefinition",
                400,
                "AccessDeniedException",
                "User is not authorized to perform: ecs:RegisterTaskDefinition");
        PlatformException ecsDenied =
                failure(
                        () ->
                                ecs.apply(
                                        ecsTarget,
                                        PhaseActions.parse(
                                                ecsTarget.platform(),
                                                PhaseType.ROLLOUT,
                                                EcsServiceDriverTest.rollout(
                                                        EcsServiceDriverTest.NEW))));
        assertThat(ecsDenied.isTransient()).isFalse();
        assertThat(ecsDenied.getMessage())
                .endsWith(
                        "AccessDeniedException: User is not authorized to perform: "
                                + "ecs:RegisterTaskDefinition");
        assertThat(aws.ecs("prod", "shop").taskDefinition).endsWith("task-definition/shop:1");
    }

    @Test
    void anUnreachableEndpointIsTransientAndNamesNoAddressSecrets() {
        AwsClients nowhere =
                new AwsClients(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET)),
                        Optional.of(URI.create("http://127.0.0.1:1")),
                        1,
                        Duration.ofSeconds(2));
        try {
            PlatformException e =
                    failure(
                            () ->
                                    new EcsServiceDriver(
                                                    nowhere,
                                                    Duration.ofSeconds(1),
                                                    Duration.ofMillis(10))
                                            .read(ecsTarget));
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).doesNotContain("AKIAIOSFODNN7EXAMPLE", SECRET);
        } finally {
            nowhere.close();
        }
    }

    @Test
    void aTargetsRoleIsAssumedThroughStsAndItsCallsAreSignedWithTheRolesKeys() throws Exception {
        AwsAlbTarget withRole =
                new AwsAlbTarget(
                        "eu-west-1", null, RULE, "arn:aws:iam::123456789012:role/deployer");

        alb.read(withRole);

        assertThat(aws.calls())
                .extracting(Call::toString)
                .containsExactly(
                        "sts AssumeRole",
                        "elasticloadbalancing DescribeRules",
                        "elasticloadbalancing DescribeTags");
        Call assume = aws.calls().get(0);
        assertThat(assume.params())
                .containsEntry("RoleArn", "arn:aws:iam::123456789012:role/deployer")
                .containsEntry("RoleSessionName", "stride-executor");
        assertThat(assume.accessKeyId()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
        assertThat(aws.calls().subList(1, 3))
                .extracting(Call::accessKeyId)
                .containsOnly("ASIAFAKEASSUMEDROLE1");

        assertThat(
                        failure(
                                        () ->
                                                alb.read(
                                                        new AwsAlbTarget(
                                                                "eu-west-1",
                                                                null,
                                                                RULE,
                                                                "deployer")))
                                .getMessage())
                .isEqualTo(
                        "the target's roleArn is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
        assertThat(
                        failure(
                                        () ->
                                                alb.read(
                                                        new AwsAlbTarget(
                                                                null,
                                                                null,
                                                                "arn:aws:elasticloadbalancing::123456789012:listener-rule/app/x",
                                                                null)))
                                .getMessage())
                .isEqualTo("the target needs an AWS region such as eu-west-1, got null");
    }

    @Test
    void scrubbingLeavesOrdinaryReasonsAlone() {
        assertThat(AwsErrors.scrub("Rate exceeded")).isEqualTo("Rate exceeded");
        assertThat(AwsErrors.scrub("token=abc SessionToken: xyz Signature=123"))
                .isEqualTo("token=abc SessionToken=<redacted> Signature=<redacted>");
        assertThat(AwsErrors.scrub(null)).isEqualTo("no reason given");
        assertThat(Map.of("k", AwsErrors.scrub("ASIAFAKEASSUMEDROLE1 expired")))
                .containsEntry("k", "<access key> expired");
    }

    private static PlatformException failure(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return catchThrowableOfType(PlatformException.class, call);
    }
}
