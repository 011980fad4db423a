package dev.stride.executor.traffic.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.EventCodec;
import dev.stride.events.EventType;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.executor.traffic.aws.FakeAws.Call;
import dev.stride.testing.JwtTestResource;
import dev.stride.testing.KafkaTestResource;
import dev.stride.testing.PostgresTestResource;
import dev.stride.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor driving the AWS drivers through Kafka, as the planner would: PhaseRequested in, the fake AWS
 * changed, PhaseStarted / PhaseCompleted / RollbackCompleted out, with the AWS calls in order.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(JwtTestResource.class)
@QuarkusTestResource(FakeAwsResource.class)
class AwsExecutionTest {

    private final EventCodec codec = new EventCodec();
    private FakeAws aws;
    private String blue;
    private String green;

    @BeforeEach
    void world() {
        aws = FakeAwsResource.aws();
        aws.reset();
        blue = aws.targetGroup("app-blue-tg");
        green = aws.targetGroup("app-green-tg");
        aws.route(AlbBlueGreenDriverTest.RULE, "app-blue-tg");
        aws.autoScalingGroup("app-blue-asg", "app-blue-tg", 2, 3, 6);
        aws.autoScalingGroup("app-green-asg", "app-green-tg", 0, 0, 6);
        aws.ecsService("prod", "shop", "app", EcsServiceDriverTest.OLD);
        aws.images.add("shop:1.4.2");
    }

    @Test
    void aBlueGreenReleaseOnAlbAndAsgRunsThroughEveryPhaseAndARollbackBringsBlueBack() {
        UUID id = UUID.randomUUID();
        AwsAlbTarget target =
                new AwsAlbTarget(
                        "eu-west-1",
                        AlbBlueGreenDriverTest.LISTENER,
                        AlbBlueGreenDriverTest.RULE,
                        null);
        aws.warmupChecks =
                1; // green's targets report "initial" once: the phase is retried, not failed

        publish(
                new PhaseRequested(
                        id, 1, 1, PhaseType.TRAFFIC, target, AlbBlueGreenDriverTest.phase(10)));
        JsonNode first = awaitEvent(EventType.PHASE_STARTED, id, e -> e.path("phase").asInt() == 1);
        assertThat(first.path("observedWeights").path("canary").asInt()).isEqualTo(10);
        assertThat(first.path("observedWeights").path("stable").asInt()).isEqualTo(90);
        assertThat(aws.weights(AlbBlueGreenDriverTest.RULE))
                .containsExactly(Map.entry(blue, 90), Map.entry(green, 10));
        assertThat(aws.group("app-green-asg").desired).isEqualTo(3);

        publish(
                new PhaseRequested(
                        id, 1, 2, PhaseType.TRAFFIC, target, AlbBlueGreenDriverTest.phase(100)));
        JsonNode second =
                awaitEvent(EventType.PHASE_STARTED, id, e -> e.path("phase").asInt() == 2);
        assertThat(second.path("observedWeights").path("canary").asInt()).isEqualTo(100);

        publish(
                new PhaseRequested(
                        id,
                        1,
                        3,
                        PhaseType.FINALIZE,
                        target,
                        AlbBlueGreenDriverTest.finalizeParameters()));
        JsonNode finalized =
                awaitEvent(EventType.PHASE_COMPLETED, id, e -> e.path("phase").asInt() == 3);
        assertThat(finalized.path("outcome").asText()).isEqualTo("PASSED");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(aws.group("app-blue-asg").desired)
                                        .as("blue scaled down after the delay")
                                        .isZero());

        publish(new RollbackRequested(id, 1, "error rate 9% after release", "incident"));
        JsonNode rolledBack = awaitEvent(EventType.ROLLBACK_COMPLETED, id, e -> true);

        assertThat(rolledBack.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(aws.weights(AlbBlueGreenDriverTest.RULE))
                .containsExactly(Map.entry(blue, 100), Map.entry(green, 0));
        assertThat(aws.group("app-blue-asg").desired).isEqualTo(3);
        assertThat(aws.group("app-green-asg").desired).isZero();
        assertThat(aws.tagsOf(AlbBlueGreenDriverTest.RULE)).isEmpty();
        assertThat(writes())
                .containsExactly(
                        "AddTags release=" + AlbBlueGreenDriverTest.ARTIFACT,
                        "ModifyRule app-blue-tg=100 app-green-tg=0",
                        "UpdateAutoScalingGroup app-green-asg 2/3/6",
                        "ModifyRule app-blue-tg=90 app-green-tg=10", // after green's targets turned
                        // healthy
                        "ModifyRule app-blue-tg=0 app-green-tg=100",
                        "AddTags [stride:finalized, stride:scale-down-after]",
                        "UpdateAutoScalingGroup app-blue-asg 0/0/6",
                        "RemoveTags",
                        "UpdateAutoScalingGroup app-blue-asg 2/3/6",
                        "ModifyRule app-blue-tg=100 app-green-tg=0",
                        "UpdateAutoScalingGroup app-green-asg 0/0/6",
                        "RemoveTags");
    }

    @Test
    void anEcsRolloutRunsThroughItsPhasesAndARollbackRestoresThePreviousTaskDefinition() {
        UUID id = UUID.randomUUID();
        AwsEcsTarget target = new AwsEcsTarget("eu-west-1", "prod", "shop", "app", null);
        aws.rolloutPolls = 3;

        publish(
                new PhaseRequested(
                        id,
                        1,
                        1,
                        PhaseType.ROLLOUT,
                        target,
                        EcsServiceDriverTest.rollout(EcsServiceDriverTest.NEW)));
        JsonNode started =
                awaitEvent(EventType.PHASE_STARTED, id, e -> e.path("phase").asInt() == 1);
        assertThat(started.path("observedWeights").path("canary").asInt()).isEqualTo(100);
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(EcsServiceDriverTest.TD2);

        Map<String, Object> finalize =
                new LinkedHashMap<>(EcsServiceDriverTest.rollout(EcsServiceDriverTest.NEW));
        finalize.put("action", "complete-rollout");
        publish(new PhaseRequested(id, 1, 2, PhaseType.FINALIZE, target, finalize));
        assertThat(
                        awaitEvent(EventType.PHASE_COMPLETED, id, e -> e.path("phase").asInt() == 2)
                                .path("outcome")
                                .asText())
                .isEqualTo("PASSED");

        publish(new RollbackRequested(id, 1, "post-deployment checks failed", "planner"));
        JsonNode rolledBack = awaitEvent(EventType.ROLLBACK_COMPLETED, id, e -> true);

        assertThat(rolledBack.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(aws.ecs("prod", "shop").taskDefinition).isEqualTo(EcsServiceDriverTest.TD1);
        assertThat(writes())
                .containsExactly(
                        "RegisterTaskDefinition " + EcsServiceDriverTest.NEW,
                        "TagResource",
                        "UpdateService task-definition/shop:2",
                        "TagResource",
                        "UpdateService task-definition/shop:1",
                        "UntagResource");
    }

    @Test
    void anEcsImageMissingFromEcrFailsThePhaseWithEcrsWordsAndChangesNothing() {
        UUID id = UUID.randomUUID();
        AwsEcsTarget target = new AwsEcsTarget("eu-west-1", "prod", "shop", "app", null);

        publish(
                new PhaseRequested(
                        id,
                        1,
                        1,
                        PhaseType.ROLLOUT,
                        target,
                        EcsServiceDriverTest.rollout(
                                EcsServiceDriverTest.REGISTRY + "shop:1.5.0-typo")));
        JsonNode failed = awaitEvent(EventType.PHASE_COMPLETED, id, e -> true);

        assertThat(failed.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.path("summary").asText())
                .isEqualTo(
                        "image shop:1.5.0-typo is not in ECR (registry "
                                + "123456789012, eu-west-1): push it before deploying");
        assertThat(writes()).isEmpty();
    }

    /** The writes AWS received, in order, each with what matters about it. */
    private List<String> writes() {
        return aws.calls().stream()
                .filter(c -> !c.action().startsWith("Describe"))
                .map(this::describe)
                .toList();
    }

    private String describe(Call call) {
        return switch (call.action()) {
            case "ModifyRule", "ModifyListener" -> {
                StringBuilder text = new StringBuilder(call.action());
                AlbBlueGreenDriverTest.weightsSent(call)
                        .forEach(
                                (group, weight) ->
                                        text.append(' ')
                                                .append(AwsNames.targetGroupName(group))
                                                .append('=')
                                                .append(weight));
                yield text.toString();
            }
            case "AddTags" ->
                    "stride:release".equals(call.param("Tags.member.1.Key"))
                            ? "AddTags release=" + call.param("Tags.member.1.Value")
                            : "AddTags "
                                    + call.params().entrySet().stream()
                                            .filter(e -> e.getKey().endsWith(".Key"))
                                            .map(Map.Entry::getValue)
                                            .sorted()
                                            .toList();
            case "UpdateAutoScalingGroup" ->
                    "UpdateAutoScalingGroup "
                            + call.param("AutoScalingGroupName")
                            + " "
                            + call.param("MinSize")
                            + "/"
                            + call.param("DesiredCapacity")
                            + "/"
                            + call.param("MaxSize");
            case "RegisterTaskDefinition" ->
                    "RegisterTaskDefinition "
                            + call.body()
                                    .path("containerDefinitions")
                                    .get(1)
                                    .path("image")
                                    .asText();
            case "UpdateService" ->
                    "UpdateService "
                            + AwsNames.shortArn(call.body().path("taskDefinition").asText());
            default -> call.action();
        };
    }

    private void publish(StrideEvent data) {
        TopicReader.publish(
                bootstrap(),
                EventType.of(data).topic(),
                data.deploymentId().toString(),
                codec.encode(codec.wrap(data, "/stride/planner")));
    }

    private JsonNode awaitEvent(EventType type, UUID id, Predicate<JsonNode> which) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                TopicReader.events(bootstrap(), type, id.toString()).stream()
                                        .filter(which)
                                        .findFirst()
                                        .orElse(null),
                        Objects::nonNull);
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
