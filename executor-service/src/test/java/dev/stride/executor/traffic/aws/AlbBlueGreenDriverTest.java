package dev.stride.executor.traffic.aws;

import static dev.stride.executor.traffic.Rollouts.settle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.executor.run.PhaseActions;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.aws.FakeAws.Call;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The blue-green driver against a fake ALB and Auto Scaling speaking the Query protocol: every call, in order. */
class AlbBlueGreenDriverTest {

    static final String RULE =
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
    static final String LISTENER =
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2";
    static final String ARTIFACT = "registry.example.com/shop:1.4.2";

    private static FakeAws aws;
    private AwsClients clients;
    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private AlbBlueGreenDriver driver;
    private String blue;
    private String green;

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
        blue = aws.targetGroup("app-blue-tg");
        green = aws.targetGroup("app-green-tg");
        aws.route(RULE, "app-blue-tg");
        aws.autoScalingGroup("app-blue-asg", "app-blue-tg", 2, 3, 6);
        aws.autoScalingGroup("app-green-asg", "app-green-tg", 0, 0, 6);
        clients =
                new AwsClients(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDTESTKEY", "test")),
                        Optional.of(aws.endpoint()),
                        1,
                        Duration.ofSeconds(5));
        driver =
                new AlbBlueGreenDriver(
                        clients,
                        Duration.ofMinutes(5),
                        (delay, task) -> {
                            delays.add(delay);
                            scheduled.add(task);
                        },
                        Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        clients.close();
    }

    @Test
    void aBlueGreenReleaseShiftsWeightsOnTheRuleScalesGreenLikeBlueAndScalesBlueDownAfterTheDelay()
            throws Exception {
        AwsAlbTarget target = new AwsAlbTarget("eu-west-1", LISTENER, RULE, null);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(10))));

        assertThat(aws.calls())
                .extracting(Call::toString)
                .containsExactly(
                        "elasticloadbalancing DescribeTags",
                        "elasticloadbalancing DescribeTargetGroups",
                        "elasticloadbalancing DescribeRules",
                        "autoscaling DescribeAutoScalingGroups",
                        "autoscaling DescribeAutoScalingGroups",
                        "elasticloadbalancing AddTags",
                        "elasticloadbalancing DescribeRules",
                        "elasticloadbalancing DescribeRules",
                        "elasticloadbalancing ModifyRule",
                        "autoscaling DescribeAutoScalingGroups",
                        "autoscaling UpdateAutoScalingGroup",
                        "autoscaling DescribeAutoScalingGroups",
                        "elasticloadbalancing DescribeTargetHealth",
                        "elasticloadbalancing DescribeRules",
                        "elasticloadbalancing ModifyRule");
        assertThat(call("DescribeTargetGroups", 0).params())
                .containsEntry("Names.member.1", "app-blue-tg")
                .containsEntry("Names.member.2", "app-green-tg");
        assertThat(aws.tagsOf(RULE))
                .containsEntry("stride:release", ARTIFACT)
                .containsEntry("stride:stable-colour", "blue")
                .containsEntry("stride:stable-target-group", blue)
                .containsEntry("stride:stable-asg", "app-blue-asg")
                .containsEntry("stride:stable-capacity", "2/3/6")
                .containsEntry("stride:new-colour", "green")
                .containsEntry("stride:new-target-group", green)
                .containsEntry("stride:new-asg", "app-green-asg")
                .containsEntry("stride:new-capacity", "0/0/6");
        assertThat(weightsSent(call("ModifyRule", 0)))
                .as("green listed at 0 first, so it is health-checked")
                .containsExactly(Map.entry(blue, 100), Map.entry(green, 0));
        assertThat(call("UpdateAutoScalingGroup", 0).params())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "AutoScalingGroupName",
                                "app-green-asg",
                                "MinSize",
                                "2",
                                "DesiredCapacity",
                                "3",
                                "MaxSize",
                                "6"));
        assertThat(call("DescribeTargetHealth", 0).param("TargetGroupArn")).isEqualTo(green);
        assertThat(call("ModifyRule", 1).param("RuleArn")).isEqualTo(RULE);
        assertThat(call("ModifyRule", 1).param("Actions.member.1.Type")).isEqualTo("forward");
        assertThat(weightsSent(call("ModifyRule", 1)))
                .containsExactly(Map.entry(blue, 90), Map.entry(green, 10));
        assertThat(driver.read(target))
                .isEqualTo(
                        new LiveState(
                                Map.of("stable", 90, "canary", 10), Map.of("canary", ARTIFACT)));

        aws.clearCalls();
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(50))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(50))));
        assertThat(writes())
                .as("the second apply of 50% writes nothing")
                .containsExactly("ModifyRule");
        assertThat(weightsSent(call("ModifyRule", 0)))
                .containsExactly(Map.entry(blue, 50), Map.entry(green, 50));

        aws.clearCalls();
        Map<String, Object> finalize = finalizeParameters();
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.FINALIZE, finalize)));
        assertThat(writes()).containsExactly("ModifyRule", "AddTags");
        assertThat(weightsSent(call("ModifyRule", 0)))
                .containsExactly(Map.entry(blue, 0), Map.entry(green, 100));
        assertThat(call("AddTags", 0).params())
                .containsEntry("Tags.member.1.Key", "stride:finalized")
                .containsEntry("Tags.member.2.Key", "stride:scale-down-after");
        assertThat(aws.tagsOf(RULE))
                .containsEntry("stride:scale-down-after", "2026-11-26T08:05:00Z")
                .containsEntry("stride:finalized", "true");
        assertThat(aws.group("app-blue-asg").desired)
                .as("kept for a fast rollback until the delay")
                .isEqualTo(3);
        assertThat(delays).containsExactly(Duration.ofMinutes(5));
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));

        aws.clearCalls();
        scheduled.get(0).run();
        assertThat(writes()).containsExactly("UpdateAutoScalingGroup", "RemoveTags");
        assertThat(call("UpdateAutoScalingGroup", 0).params())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "AutoScalingGroupName",
                                "app-blue-asg",
                                "MinSize",
                                "0",
                                "DesiredCapacity",
                                "0",
                                "MaxSize",
                                "6"));
        assertThat(aws.group("app-blue-asg").instances).isEmpty();
        assertThat(aws.tagsOf(RULE)).doesNotContainKey("stride:scale-down-after");
    }

    @Test
    void aRollbackMidwayPutsAllTrafficBackOnBlueAndGreenBackToItsSize() throws Exception {
        AwsAlbTarget target = new AwsAlbTarget("eu-west-1", LISTENER, RULE, null);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(10))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(50))));
        aws.clearCalls();

        settle(() -> driver.apply(target, TrafficAction.RESTORE));

        assertThat(aws.calls())
                .extracting(Call::toString)
                .containsExactly(
                        "elasticloadbalancing DescribeTags",
                        "elasticloadbalancing DescribeRules",
                        "autoscaling DescribeAutoScalingGroups",
                        "elasticloadbalancing DescribeRules",
                        "elasticloadbalancing ModifyRule",
                        "autoscaling DescribeAutoScalingGroups",
                        "autoscaling UpdateAutoScalingGroup",
                        "elasticloadbalancing RemoveTags");
        assertThat(weightsSent(call("ModifyRule", 0)))
                .containsExactly(Map.entry(blue, 100), Map.entry(green, 0));
        assertThat(call("UpdateAutoScalingGroup", 0).params())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "AutoScalingGroupName",
                                "app-green-asg",
                                "MinSize",
                                "0",
                                "DesiredCapacity",
                                "0",
                                "MaxSize",
                                "6"));
        assertThat(aws.tagsOf(RULE)).isEmpty();
        assertThat(driver.read(target))
                .isEqualTo(new LiveState(Map.of("stable", 100, "canary", 0), Map.of()));

        aws.clearCalls();
        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(writes()).as("a second rollback changes nothing").isEmpty();
    }

    @Test
    void aRollbackAfterBlueWasScaledDownScalesItBackAndWaitsForItBeforeMovingTraffic()
            throws Exception {
        AwsAlbTarget target = new AwsAlbTarget("eu-west-1", LISTENER, null, null);
        aws.route(LISTENER, "app-blue-tg");
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(100))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        finalizeParameters())));
        scheduled.get(0).run();
        assertThat(aws.group("app-blue-asg").desired).isZero();
        aws.warmupChecks = 1;
        aws.clearCalls();

        assertThatThrownBy(() -> settle(() -> driver.apply(target, TrafficAction.RESTORE)))
                .isInstanceOfSatisfying(
                        PlatformException.class,
                        e -> {
                            assertThat(e.isTransient()).isTrue();
                            assertThat(e.getMessage())
                                    .startsWith(
                                            "blue target group app-blue-tg has 0 healthy of 3 needed");
                        });
        assertThat(writes()).containsExactly("UpdateAutoScalingGroup");
        assertThat(call("UpdateAutoScalingGroup", 0).params())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "AutoScalingGroupName",
                                "app-blue-asg",
                                "MinSize",
                                "2",
                                "DesiredCapacity",
                                "3",
                                "MaxSize",
                                "6"));
        assertThat(aws.weights(LISTENER))
                .as("no traffic moves to targets still starting")
                .containsExactly(Map.entry(blue, 0), Map.entry(green, 100));

        aws.clearCalls();
        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(writes())
                .containsExactly("ModifyListener", "UpdateAutoScalingGroup", "RemoveTags");
        assertThat(call("ModifyListener", 0).param("ListenerArn")).isEqualTo(LISTENER);
        assertThat(aws.weights(LISTENER))
                .containsExactly(Map.entry(blue, 100), Map.entry(green, 0));
        assertThat(aws.group("app-green-asg").desired).isZero();
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 100, "canary", 0));
    }

    @Test
    void trafficWaitsForGreenToBeHealthyAndTheNextReleaseStartsFromGreen() throws Exception {
        AwsAlbTarget target = new AwsAlbTarget("eu-west-1", LISTENER, RULE, null);
        aws.warmupChecks = 1;

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                phase(10)))))
                .isInstanceOfSatisfying(
                        PlatformException.class,
                        e -> {
                            assertThat(e.isTransient()).isTrue();
                            assertThat(e.getMessage())
                                    .startsWith(
                                            "green target group app-green-tg has 0 healthy of 3 needed")
                                    .contains("initial");
                        });
        assertThat(aws.weights(RULE)).containsExactly(Map.entry(blue, 100), Map.entry(green, 0));

        aws.warmupChecks = 0;
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(10))));
        assertThat(aws.weights(RULE)).containsExactly(Map.entry(blue, 90), Map.entry(green, 10));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(100))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        finalizeParameters())));
        scheduled.get(0).run();

        Map<String, Object> next = phase(20);
        next.put("artifact", "registry.example.com/shop:1.5.0");
        aws.clearCalls();
        assertThat(driver.read(target).versions()).isEqualTo(Map.of("canary", ARTIFACT));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(target.platform(), PhaseType.TRAFFIC, next)));

        assertThat(aws.tagsOf(RULE))
                .containsEntry("stride:release", "registry.example.com/shop:1.5.0")
                .containsEntry("stride:stable-colour", "green")
                .containsEntry("stride:new-colour", "blue")
                .containsEntry("stride:new-capacity", "0/0/6")
                .doesNotContainKey("stride:scale-down-after");
        assertThat(aws.weights(RULE)).containsExactly(Map.entry(green, 80), Map.entry(blue, 20));
        assertThat(aws.group("app-blue-asg").desired).isEqualTo(3);
    }

    @Test
    void theNextReleaseFailingToBeginIsRolledBackWithoutUndoingTheFinishedOne() throws Exception {
        AwsAlbTarget target = new AwsAlbTarget("eu-west-1", LISTENER, RULE, null);
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(100))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(),
                                        PhaseType.FINALIZE,
                                        finalizeParameters())));
        scheduled.get(0).run();
        aws.clearCalls();

        Map<String, Object> typo = phase(10);
        typo.put("artifact", "registry.example.com/shop:1.5.0");
        typo.put(
                "colours",
                Map.of(
                        "blue",
                        Map.of("targetGroup", "app-blu-tg"),
                        "green",
                        Map.of("targetGroup", "app-green-tg")));
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                typo))))
                .hasMessage(
                        "ELB DescribeTargetGroups [app-blu-tg, app-green-tg] failed: TargetGroupNotFound: "
                                + "One or more target groups not found");
        settle(() -> driver.apply(target, TrafficAction.RESTORE));

        assertThat(writes())
                .as("only the finished release's tags are retired")
                .containsExactly("RemoveTags");
        assertThat(aws.weights(RULE)).containsExactly(Map.entry(blue, 0), Map.entry(green, 100));
        assertThat(driver.read(target))
                .isEqualTo(new LiveState(Map.of("stable", 100, "canary", 0), Map.of()));

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.TRAFFIC, phase(20))));
        assertThat(aws.tagsOf(RULE))
                .as("the same artifact again is a new release, from green")
                .containsEntry("stride:release", ARTIFACT)
                .containsEntry("stride:stable-colour", "green")
                .doesNotContainKey("stride:finalized");
        assertThat(aws.weights(RULE)).containsExactly(Map.entry(green, 80), Map.entry(blue, 20));
    }

    @Test
    void aRouteForwardingToNeitherColourOrNoColoursFailsClearly() {
        AwsAlbTarget target = new AwsAlbTarget("eu-west-1", LISTENER, RULE, null);
        aws.route(RULE, "someone-elses-tg");

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                phase(10)))))
                .isInstanceOfSatisfying(
                        PlatformException.class,
                        e -> {
                            assertThat(e.isTransient()).isFalse();
                            assertThat(e.getMessage())
                                    .contains(
                                            "forwards to neither the blue nor the green target group");
                        });
        Map<String, Object> noColours = phase(10);
        noColours.remove("colours");
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                noColours))))
                .hasMessageContaining("needs colours.blue.targetGroup");
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.ROLLOUT,
                                                                phase(10)))))
                .hasMessageContaining("aws-alb runs blue-green releases");
        Map<String, Object> otherPath = phase(10);
        otherPath.put(
                "colours",
                Map.of(
                        "blue", Map.of("targetGroup", "app-blue-tg", "healthCheckPath", "/health"),
                        "green", Map.of("targetGroup", green, "healthCheckPath", "/healthz")));
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                otherPath))))
                .hasMessage(
                        "target group app-green-tg health-checks /health, the plan says /healthz");
        assertThat(writes()).isEmpty();
    }

    static Map<String, Object> phase(int weight) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", weight);
        parameters.put("interval", "5m");
        parameters.put("colours", colours());
        parameters.put("artifact", ARTIFACT);
        parameters.put("version", "1.4.2");
        parameters.put("application", "shop");
        parameters.put("environment", "production");
        return parameters;
    }

    static Map<String, Object> finalizeParameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("action", "activate-new-colour");
        parameters.put("scaleDownOldColour", true);
        parameters.put("colours", colours());
        parameters.put("artifact", ARTIFACT);
        parameters.put("version", "1.4.2");
        return parameters;
    }

    static Map<String, Object> colours() {
        return Map.of(
                "blue",
                        Map.of(
                                "targetGroup",
                                "app-blue-tg",
                                "autoScalingGroup",
                                "app-blue-asg",
                                "healthCheckPath",
                                "/health"),
                "green",
                        Map.of(
                                "targetGroup",
                                "app-green-tg",
                                "autoScalingGroup",
                                "app-green-asg",
                                "healthCheckPath",
                                "/health"));
    }

    private Call call(String action, int index) {
        return aws.calls().stream()
                .filter(c -> c.action().equals(action))
                .skip(index)
                .findFirst()
                .orElseThrow();
    }

    private List<String> writes() {
        return aws.calls().stream()
                .map(Call::action)
                .filter(a -> !a.startsWith("Describe"))
                .toList();
    }

    /** The ForwardConfig weights a ModifyRule / ModifyListener sent, by target group, in the order sent. */
    static Map<String, Integer> weightsSent(Call call) {
        String prefix = call.action().equals("ModifyRule") ? "Actions" : "DefaultActions";
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (int i = 1;
                call.params()
                        .containsKey(
                                prefix
                                        + ".member.1.ForwardConfig.TargetGroups.member."
                                        + i
                                        + ".TargetGroupArn");
                i++) {
            String p = prefix + ".member.1.ForwardConfig.TargetGroups.member." + i + ".";
            weights.put(
                    call.param(p + "TargetGroupArn"), Integer.parseInt(call.param(p + "Weight")));
        }
        return weights;
    }
}
