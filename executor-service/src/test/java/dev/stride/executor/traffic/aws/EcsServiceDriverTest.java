package dev.stride.executor.traffic.aws;

import static dev.stride.executor.traffic.Rollouts.settle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.executor.run.PhaseActions;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.RolloutInProgress;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.aws.FakeAws.Call;
import java.time.Duration;
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

/** The ECS driver against a fake ECS and ECR speaking JSON 1.1: task definitions, updates, waits, rollback. */
class EcsServiceDriverTest {

    static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/";
    static final String OLD = REGISTRY + "shop:1.4.1";
    static final String NEW = REGISTRY + "shop:1.4.2";
    static final String TD1 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop:1";
    static final String TD2 = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop:2";
    static final String SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod/shop";

    private static FakeAws aws;
    private AwsClients clients;
    private EcsServiceDriver driver;
    private final AwsEcsTarget target = new AwsEcsTarget("eu-west-1", "prod", "shop", "app", null);

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
        aws.ecsService("prod", "shop", "app", OLD);
        aws.images.add("shop:1.4.1");
        aws.images.add("shop:1.4.2");
        aws.rolloutPolls = 1;
        clients =
                new AwsClients(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDTESTKEY", "test")),
                        Optional.of(aws.endpoint()),
                        1,
                        Duration.ofSeconds(5));
        driver = new EcsServiceDriver(clients, Duration.ofSeconds(5), Duration.ofMillis(20));
    }

    @AfterEach
    void close() {
        clients.close();
    }

    @Test
    void aRolloutRegistersACopyWithOnlyTheImageReplacedUpdatesTheServiceAndWaitsForCompleted()
            throws Exception {
        assertThat(driver.read(target))
                .isEqualTo(
                        new LiveState(Map.of("stable", 100, "canary", 0), Map.of("stable", OLD)));
        aws.clearCalls();

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.ROLLOUT, rollout(NEW))));

        assertThat(aws.calls())
                .extracting(Call::toString)
                .containsExactly(
                        "ecs DescribeServices",
                        "ecr DescribeImages",
                        "ecs DescribeTaskDefinition",
                        "ecs RegisterTaskDefinition",
                        "ecs TagResource",
                        "ecs UpdateService",
                        "ecs DescribeServices",
                        "ecs DescribeServices");
        assertThat(body("DescribeServices", 0).path("include").get(0).asText()).isEqualTo("TAGS");
        JsonNode images = body("DescribeImages", 0);
        assertThat(images.path("registryId").asText()).isEqualTo("123456789012");
        assertThat(images.path("repositoryName").asText()).isEqualTo("shop");
        assertThat(images.path("imageIds").get(0).path("imageTag").asText()).isEqualTo("1.4.2");

        JsonNode registered = body("RegisterTaskDefinition", 0);
        JsonNode before = aws.taskDefinition(TD1);
        assertThat(registered.path("family").asText()).isEqualTo("shop");
        assertThat(registered.path("taskRoleArn").asText())
                .isEqualTo(before.path("taskRoleArn").asText());
        assertThat(registered.path("executionRoleArn").asText())
                .isEqualTo(before.path("executionRoleArn").asText());
        assertThat(registered.path("networkMode").asText()).isEqualTo("awsvpc");
        assertThat(registered.path("cpu").asText()).isEqualTo("512");
        assertThat(registered.path("memory").asText()).isEqualTo("1024");
        assertThat(registered.path("requiresCompatibilities").get(0).asText()).isEqualTo("FARGATE");
        assertThat((Object) registered.path("containerDefinitions").get(0))
                .as("the sidecar is untouched")
                .isEqualTo(before.path("containerDefinitions").get(0));
        JsonNode app = registered.path("containerDefinitions").get(1);
        assertThat(app.path("image").asText()).isEqualTo(NEW);
        JsonNode appBefore = before.path("containerDefinitions").get(1);
        JsonNode appWithoutImage = ((ObjectNode) app.deepCopy()).without("image");
        JsonNode beforeWithoutImage = ((ObjectNode) appBefore.deepCopy()).without("image");
        assertThat((Object) appWithoutImage)
                .as("only the image differs")
                .isEqualTo(beforeWithoutImage);

        JsonNode tags = body("TagResource", 0);
        assertThat(tags.path("resourceArn").asText()).isEqualTo(SERVICE);
        assertThat(tags.path("tags").toString())
                .isEqualTo(
                        "[{\"key\":\"stride:release\",\"value\":\""
                                + NEW
                                + "\"},{\"key\":\"stride:stable-task-definition\",\"value\":\""
                                + TD1
                                + "\"},{\"key\":\"stride:release-task-definition\",\"value\":\""
                                + TD2
                                + "\"}]");
        JsonNode update = body("UpdateService", 0);
        assertThat(update.path("cluster").asText()).isEqualTo("prod");
        assertThat(update.path("service").asText()).isEqualTo("shop");
        assertThat(update.path("taskDefinition").asText()).isEqualTo(TD2);
        assertThat(update.path("deploymentConfiguration").toString())
                .as(
                        "batch_size 1 of 2 tasks is 150% at most, max_unavailable 0 is 100% healthy;"
                                + " the circuit breaker is kept")
                .isEqualTo(
                        "{\"deploymentCircuitBreaker\":{\"enable\":true,\"rollback\":false},"
                                + "\"maximumPercent\":150,\"minimumHealthyPercent\":100}");
        assertThat(update.size())
                .as("nothing but the task definition and how it rolls changes")
                .isEqualTo(4);
        assertThat(driver.read(target))
                .isEqualTo(
                        new LiveState(Map.of("stable", 0, "canary", 100), Map.of("canary", NEW)));

        aws.clearCalls();
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.ROLLOUT, rollout(NEW))));
        assertThat(writes()).as("repeating the phase registers and updates nothing").isEmpty();

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.FINALIZE, finalize(NEW))));
        assertThat(writes()).containsExactly("TagResource");
        assertThat(body("TagResource", 0).path("tags").toString())
                .isEqualTo("[{\"key\":\"stride:finalized\",\"value\":\"true\"}]");
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.FINALIZE, finalize(NEW))));
        assertThat(writes()).as("finalizing twice marks once").containsExactly("TagResource");
        assertThat(driver.read(target).weights()).isEqualTo(Map.of("stable", 0, "canary", 100));
    }

    @Test
    void theNextReleaseFailingBeforeItsFirstWriteIsRolledBackWithoutUndoingThePreviousOne()
            throws Exception {
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.ROLLOUT, rollout(NEW))));
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.FINALIZE, finalize(NEW))));
        aws.clearCalls();

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.ROLLOUT,
                                                                rollout(REGISTRY + "shop:1.5.0")))))
                .hasMessageStartingWith("image shop:1.5.0 is not in ECR");
        settle(() -> driver.apply(target, TrafficAction.RESTORE));

        assertThat(writes())
                .as("only the finished release's tags are retired")
                .containsExactly("UntagResource");
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(TD2);
        assertThat(driver.read(target))
                .isEqualTo(
                        new LiveState(Map.of("stable", 100, "canary", 0), Map.of("stable", NEW)));

        aws.clearCalls();
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.ROLLOUT, rollout(NEW))));
        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(writes())
                .as("releasing the running image again, and rolling that back, changes nothing")
                .containsExactly("TagResource", "UntagResource");
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(TD2);
    }

    @Test
    void batchSizeAndMaxUnavailableBecomeTheServicesMaximumAndMinimumHealthyPercent()
            throws Exception {
        aws.ecs("prod", "shop").desiredCount = 4;
        Map<String, Object> parameters = rollout(NEW);
        parameters.put("batchSize", 2);
        parameters.put("maxUnavailable", 1);

        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.ROLLOUT, parameters)));

        JsonNode rolling = body("UpdateService", 0).path("deploymentConfiguration");
        assertThat(rolling.path("maximumPercent").asInt())
                .as("4 tasks + 2 at a time = 6 = 150% of 4")
                .isEqualTo(150);
        assertThat(rolling.path("minimumHealthyPercent").asInt())
                .as("4 tasks - 1 unavailable = 3 = 75% of 4")
                .isEqualTo(75);
        assertThat(aws.ecs("prod", "shop").deploymentConfiguration.path("maximumPercent").asInt())
                .isEqualTo(150);
    }

    @Test
    void theRollingPercentsGiveExactlyTheRequestedCountsUnderEcsRounding() {
        // ECS: at most floor(desired * maximumPercent / 100) tasks, at least
        // ceil(desired * minimumHealthyPercent / 100) healthy.
        for (int desired = 1; desired <= 100; desired++) {
            for (int batch = 1; batch <= 12; batch++) {
                for (int down = 0; down <= desired + 1; down++) {
                    int[] percents = EcsServiceDriver.rollingPercents(desired, batch, down);
                    long most = Math.floorDiv((long) desired * percents[0], 100);
                    long healthy = -Math.floorDiv(-(long) desired * percents[1], 100);
                    assertThat(most)
                            .as("at most, %d tasks, batch %d", desired, batch)
                            .isEqualTo(desired + batch);
                    assertThat(healthy)
                            .as("healthy, %d tasks, %d unavailable", desired, down)
                            .isEqualTo(Math.max(0, desired - down));
                }
            }
        }
        assertThat(EcsServiceDriver.rollingPercents(3, 2, 1)).containsExactly(167, 66);
        assertThat(EcsServiceDriver.rollingPercents(1000, 1, 0))
                .as("above 100 tasks whole percentages round the surge up")
                .containsExactly(101, 100);
    }

    @Test
    void aRollbackPutsThePreviousTaskDefinitionBackWaitsAndForgetsTheRelease() throws Exception {
        settle(
                () ->
                        driver.apply(
                                target,
                                PhaseActions.parse(
                                        target.platform(), PhaseType.ROLLOUT, rollout(NEW))));
        aws.clearCalls();

        settle(() -> driver.apply(target, TrafficAction.RESTORE));

        assertThat(aws.calls())
                .extracting(Call::toString)
                .containsExactly(
                        "ecs DescribeServices",
                        "ecs UpdateService",
                        "ecs DescribeServices",
                        "ecs DescribeServices",
                        "ecs UntagResource");
        assertThat(body("UpdateService", 0).path("taskDefinition").asText()).isEqualTo(TD1);
        assertThat(body("UpdateService", 0).has("deploymentConfiguration"))
                .as(
                        "a rollback rolls back as the release rolled, it does not change the configuration")
                .isFalse();
        assertThat(body("UntagResource", 0).path("tagKeys").toString())
                .isEqualTo(
                        "[\"stride:release\",\"stride:stable-task-definition\",\"stride:finalized\","
                                + "\"stride:release-task-definition\"]");
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(TD1);
        assertThat(driver.read(target))
                .isEqualTo(
                        new LiveState(Map.of("stable", 100, "canary", 0), Map.of("stable", OLD)));

        aws.clearCalls();
        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(writes()).as("a second rollback changes nothing").isEmpty();
    }

    @Test
    void aDeploymentTheCircuitBreakerFailsFailsThePhaseAndTheRollbackRestoresStable()
            throws Exception {
        aws.failingImages.add(NEW);

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.ROLLOUT,
                                                                rollout(NEW)))))
                .isInstanceOfSatisfying(
                        PlatformException.class,
                        e -> {
                            assertThat(e.isTransient()).isFalse();
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "ECS deployment ecs-svc/2 of ECS service shop in cluster "
                                                    + "prod FAILED: ECS deployment circuit breaker: tasks failed to start.");
                        });

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(TD1);
        assertThat(aws.ecs("prod", "shop").tags).isEmpty();
    }

    @Test
    void aCircuitBreakerThatRollsBackByItselfStillFailsThePhaseWithItsReason() throws Exception {
        aws.failingImages.add(NEW);
        aws.circuitBreakerRollback = true;

        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.ROLLOUT,
                                                                rollout(NEW)))))
                .hasMessage(
                        "ECS deployment ecs-svc/2 of ECS service shop in cluster prod FAILED: ECS deployment "
                                + "circuit breaker: tasks failed to start.");
        aws.clearCalls();

        settle(() -> driver.apply(target, TrafficAction.RESTORE));
        assertThat(writes())
                .as("ECS already went back to the stable revision")
                .containsExactly("UntagResource");
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(TD1);
    }

    @Test
    void anImageMissingFromEcrFailsThePhaseBeforeAnythingChanges() {
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.ROLLOUT,
                                                                rollout(REGISTRY + "shop:9.9.9")))))
                .isInstanceOfSatisfying(
                        PlatformException.class,
                        e -> {
                            assertThat(e.isTransient()).isFalse();
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "image shop:9.9.9 is not in ECR (registry 123456789012, "
                                                    + "eu-west-1): push it before deploying");
                        });
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.ROLLOUT,
                                                                rollout(REGISTRY + "nope:1")))))
                .hasMessage(
                        "ECR repository nope does not exist (registry 123456789012, eu-west-1)");
        assertThat(writes()).isEmpty();
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(TD1);
    }

    @Test
    void aRolloutStillUnderWayIsReportedInProgressWithTheTaskCountsAndWaitsForNothing() {
        aws.rolloutPolls = 1000;
        EcsServiceDriver impatient =
                new EcsServiceDriver(clients, Duration.ofMillis(100), Duration.ofMillis(20));

        assertThatThrownBy(
                        () ->
                                impatient.apply(
                                        target,
                                        PhaseActions.parse(
                                                target.platform(),
                                                PhaseType.ROLLOUT,
                                                rollout(NEW))))
                .isInstanceOfSatisfying(
                        RolloutInProgress.class,
                        e -> {
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "ECS deployment ecs-svc/2 of ECS service shop in cluster "
                                                    + "prod is rolling out (1 of 2 tasks running)");
                            assertThat(e.deadline()).isEqualTo(Duration.ofMillis(100));
                            assertThat(e.recheckAfter()).isEqualTo(Duration.ofMillis(20));
                        });
    }

    @Test
    void phasesEcsCannotTakeAndMissingThingsFailClearly() {
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        target,
                                                        PhaseActions.parse(
                                                                target.platform(),
                                                                PhaseType.TRAFFIC,
                                                                Map.of(
                                                                        "weight",
                                                                        10,
                                                                        "artifact",
                                                                        NEW)))))
                .hasMessageContaining("aws-ecs deploys with a rolling update");
        AwsEcsTarget noSuchService = new AwsEcsTarget("eu-west-1", "prod", "basket", "app", null);
        assertThatThrownBy(() -> driver.read(noSuchService))
                .hasMessage("ECS service basket in cluster prod: no such service");
        AwsEcsTarget noSuchContainer = new AwsEcsTarget("eu-west-1", "prod", "shop", "web", null);
        assertThatThrownBy(
                        () ->
                                settle(
                                        () ->
                                                driver.apply(
                                                        noSuchContainer,
                                                        PhaseActions.parse(
                                                                noSuchContainer.platform(),
                                                                PhaseType.ROLLOUT,
                                                                rollout(NEW)))))
                .hasMessage("task-definition/shop:1 has no container web");
        assertThat(writes()).isEmpty();
    }

    static Map<String, Object> rollout(String artifact) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("batchSize", 1);
        parameters.put("maxUnavailable", 0);
        parameters.put("artifact", artifact);
        parameters.put("version", "1.4.2");
        parameters.put("application", "shop");
        parameters.put("environment", "production");
        return parameters;
    }

    static Map<String, Object> finalize(String artifact) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("action", "complete-rollout");
        parameters.put("artifact", artifact);
        parameters.put("version", "1.4.2");
        return parameters;
    }

    private JsonNode body(String action, int index) {
        return aws.calls().stream()
                .filter(c -> c.action().equals(action))
                .skip(index)
                .findFirst()
                .orElseThrow()
                .body();
    }

    private List<String> writes() {
        return aws.calls().stream()
                .map(Call::action)
                .filter(a -> !a.startsWith("Describe"))
                .toList();
    }
}
