package dev.stride.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.PhaseType;
import dev.stride.events.spec.BlueGreenStrategy;
import dev.stride.events.spec.DeploymentChecks;
import dev.stride.events.spec.DeploymentChecks.Database;
import dev.stride.events.spec.DeploymentChecks.FeatureFlags;
import dev.stride.events.spec.DeploymentChecks.HealthEndpoint;
import dev.stride.events.spec.DeploymentChecks.Post;
import dev.stride.events.spec.DeploymentChecks.Pre;
import dev.stride.events.spec.DeploymentStrategy;
import dev.stride.events.spec.RollbackPolicy;
import dev.stride.planner.Requests;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhaseCompilerTest {

    private static final ObjectMapper JSON = EventCodec.mapper();
    private static final UUID ID = UUID.fromString("6f1c2b9e-0d4a-4c8e-9a57-3f0b7d2e1a10");

    private final PhaseCompiler compiler = new PhaseCompiler();

    // --- the runbook's three blocks ---

    @Test
    void canaryRunsOneTrafficPhasePerRunbookPhaseBetweenTheChecks() {
        PhasePlan plan = compiler.compile(request("canary"), null);

        assertThat(plan.phases())
                .extracting(
                        PlannedPhase::index,
                        PlannedPhase::type,
                        PlannedPhase::name,
                        PlannedPhase::trafficPercentage,
                        PlannedPhase::hold,
                        PlannedPhase::analysed)
                .containsExactly(
                        tuple(0, PhaseType.CHECKS, "pre-deployment checks", null, null, false),
                        tuple(1, PhaseType.TRAFFIC, "initial", 5, Duration.ofMinutes(10), true),
                        tuple(2, PhaseType.TRAFFIC, "ramp-up", 25, Duration.ofMinutes(15), true),
                        tuple(3, PhaseType.TRAFFIC, "full-rollout", 100, null, true),
                        tuple(4, PhaseType.CHECKS, "post-deployment checks", null, null, false),
                        tuple(5, PhaseType.FINALIZE, "finalize", null, null, false));
        assertThat(plan.size()).isEqualTo(6);
        assertThat(plan.phase(1).parameters())
                .containsEntry("weight", 5)
                .containsEntry("duration", "10m")
                .containsEntry(
                        "successCriteria", Map.of("error_rate", "<1%", "response_time", "<500ms"));
        assertThat(plan.phase(3).parameters())
                .containsEntry("weight", 100)
                .doesNotContainKey("duration")
                .containsEntry(
                        "successCriteria",
                        Map.of("error_rate", "<0.1%", "response_time", "<300ms"));
        assertThat(plan.phase(5).parameters())
                .isEqualTo(
                        Map.of(
                                "action",
                                "promote-canary",
                                "artifact",
                                "registry.example.com/checkout:2.4.0",
                                "version",
                                "2.4.0"));
    }

    @Test
    void blueGreenShiftsTheNewColourInStepsOfTheIncrementEachHeldForTheInterval() {
        PhasePlan plan = compiler.compile(request("blue-green"), null);

        assertThat(plan.phases())
                .extracting(PlannedPhase::type, PlannedPhase::name)
                .containsExactly(
                        tuple(PhaseType.CHECKS, "pre-deployment checks"),
                        tuple(PhaseType.TRAFFIC, "shift 10%"),
                        tuple(PhaseType.TRAFFIC, "shift 20%"),
                        tuple(PhaseType.TRAFFIC, "shift 30%"),
                        tuple(PhaseType.TRAFFIC, "shift 40%"),
                        tuple(PhaseType.TRAFFIC, "shift 50%"),
                        tuple(PhaseType.TRAFFIC, "shift 60%"),
                        tuple(PhaseType.TRAFFIC, "shift 70%"),
                        tuple(PhaseType.TRAFFIC, "shift 80%"),
                        tuple(PhaseType.TRAFFIC, "shift 90%"),
                        tuple(PhaseType.TRAFFIC, "shift 100%"),
                        tuple(PhaseType.CHECKS, "post-deployment checks"),
                        tuple(PhaseType.FINALIZE, "finalize"));
        assertThat(plan.phases())
                .extracting(PlannedPhase::index)
                .containsExactlyElementsOf(IntStream.range(0, 13).boxed().toList());
        List<PlannedPhase> traffic = plan.phases().subList(1, 11);
        assertThat(traffic)
                .extracting(PlannedPhase::trafficPercentage)
                .containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
        assertThat(traffic)
                .allSatisfy(
                        phase -> {
                            assertThat(phase.hold()).isEqualTo(Duration.ofMinutes(5));
                            assertThat(phase.analysed()).isTrue();
                            assertThat(phase.parameters())
                                    .containsEntry("weight", phase.trafficPercentage())
                                    .containsEntry("interval", "5m")
                                    .doesNotContainKey("rollbackThreshold")
                                    .containsEntry(
                                            "rollbackTriggers",
                                            List.of(
                                                    Map.of(
                                                            "name",
                                                            PhaseCompiler
                                                                    .ROLLBACK_THRESHOLD_TRIGGER,
                                                            "metric",
                                                            "errors_per_minute",
                                                            "threshold",
                                                            "5/min",
                                                            "action",
                                                            "automatic_rollback")))
                                    .containsEntry(
                                            "colours",
                                            Map.of(
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
                                                                    "/health")));
                        });
        assertThat(plan.phase(12).parameters())
                .containsEntry("action", "activate-new-colour")
                .containsEntry("scaleDownOldColour", true)
                .containsKey("colours");
    }

    @Test
    void aBlueGreenRollbackThresholdComesAfterTheDeploymentsOwnTriggersOnEveryShiftStep() {
        DeploymentRequested request = request("blue-green");
        RollbackPolicy rollback =
                new RollbackPolicy(
                        List.of(
                                new RollbackPolicy.Trigger(
                                        "high_error_rate",
                                        "error_rate",
                                        "5%",
                                        "1m",
                                        "automatic_rollback")),
                        null);
        PhasePlan plan =
                compiler.compile(
                        new DeploymentRequested(
                                request.deploymentId(),
                                request.application(),
                                request.environment(),
                                request.version(),
                                request.artifact(),
                                request.commitSha(),
                                request.commitTime(),
                                request.requestedBy(),
                                request.target(),
                                request.deployment(),
                                rollback,
                                request.checks()),
                        null);
        assertThat(plan.phases())
                .filteredOn(phase -> phase.type() == PhaseType.TRAFFIC)
                .hasSize(10)
                .allSatisfy(
                        phase ->
                                assertThat((List<?>) phase.parameters().get("rollbackTriggers"))
                                        .extracting(t -> (Object) ((Map<?, ?>) t).get("name"))
                                        .containsExactly(
                                                "high_error_rate",
                                                PhaseCompiler.ROLLBACK_THRESHOLD_TRIGGER));
        assertThat(plan.phases())
                .filteredOn(phase -> phase.type() != PhaseType.TRAFFIC)
                .allSatisfy(
                        phase ->
                                assertThat(phase.parameters())
                                        .doesNotContainKey("rollbackTriggers"));
    }

    @Test
    void rollingIsOneRolloutPhaseTheExecutorDrivesBatchByBatch() {
        PhasePlan plan = compiler.compile(request("rolling"), null);

        assertThat(plan.phases())
                .extracting(
                        PlannedPhase::index,
                        PlannedPhase::type,
                        PlannedPhase::name,
                        PlannedPhase::trafficPercentage,
                        PlannedPhase::hold,
                        PlannedPhase::analysed)
                .containsExactly(
                        tuple(0, PhaseType.CHECKS, "pre-deployment checks", null, null, false),
                        tuple(1, PhaseType.ROLLOUT, "rolling update", null, null, true),
                        tuple(2, PhaseType.CHECKS, "post-deployment checks", null, null, false),
                        tuple(3, PhaseType.FINALIZE, "finalize", null, null, false));
        assertThat(plan.phase(1).parameters())
                .isEqualTo(
                        Map.of(
                                "batchSize",
                                2,
                                "maxUnavailable",
                                1,
                                "healthCheck",
                                Map.of(
                                        "path",
                                        "/health",
                                        "timeout",
                                        "30s",
                                        "interval",
                                        "10s",
                                        "healthyThreshold",
                                        3,
                                        "unhealthyThreshold",
                                        2),
                                "artifact",
                                "registry.example.com/inventory:7.1.3",
                                "version",
                                "7.1.3"));
        assertThat(plan.phase(3).parameters()).containsEntry("action", "complete-rollout");
    }

    // --- blue-green weights ---

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0  | 10  | 10,20,30,40,50,60,70,80,90,100",
                "5  | 30  | 5,35,65,95,100",
                "0  | 33  | 33,66,99,100",
                "20 | 25  | 20,45,70,95,100",
                "50 | 50  | 50,100",
                "99 | 1   | 99,100",
                "0  | 100 | 100",
                "10 | 200 | 10,100"
            })
    void blueGreenWeightsEndExactlyAtFullTraffic(
            int initialWeight, int increment, String expected) {
        List<Integer> weights = PhaseCompiler.blueGreenWeights(initialWeight, increment);

        assertThat(weights)
                .containsExactlyElementsOf(
                        java.util.Arrays.stream(expected.split(","))
                                .map(Integer::valueOf)
                                .toList());
    }

    @Test
    void blueGreenPhasesFollowTheWeightSeries() {
        DeploymentRequested request =
                withStrategy(
                        request("blue-green"),
                        new BlueGreenStrategy(
                                null, new BlueGreenStrategy.TrafficShifting(5, 30, "90s", null)));

        PhasePlan plan = compiler.compile(request, null);

        assertThat(plan.phases())
                .filteredOn(p -> p.type() == PhaseType.TRAFFIC)
                .extracting(PlannedPhase::name, PlannedPhase::trafficPercentage, PlannedPhase::hold)
                .containsExactly(
                        tuple("shift 5%", 5, Duration.ofSeconds(90)),
                        tuple("shift 35%", 35, Duration.ofSeconds(90)),
                        tuple("shift 65%", 65, Duration.ofSeconds(90)),
                        tuple("shift 95%", 95, Duration.ofSeconds(90)),
                        tuple("shift 100%", 100, Duration.ofSeconds(90)));
        // No environments block and no rollback threshold: neither travels.
        assertThat(plan.phase(1).parameters())
                .containsOnlyKeys("weight", "interval", "artifact", "version");
        assertThat(plan.phase(plan.size() - 1).parameters())
                .containsOnlyKeys("action", "scaleDownOldColour", "artifact", "version");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -10})
    void anIncrementThatNeverReachesFullTrafficIsRefused(int increment) {
        DeploymentRequested request =
                withStrategy(
                        request("blue-green"),
                        new BlueGreenStrategy(
                                null,
                                new BlueGreenStrategy.TrafficShifting(0, increment, "5m", null)));

        assertThatThrownBy(() -> compiler.compile(request, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deployment.traffic_shifting.increment");
    }

    @Test
    void anUnparsableHoldNamesItsField() {
        DeploymentRequested request =
                withStrategy(
                        request("blue-green"),
                        new BlueGreenStrategy(
                                null,
                                new BlueGreenStrategy.TrafficShifting(
                                        0, 50, "five minutes", null)));

        assertThatThrownBy(() -> compiler.compile(request, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("deployment.traffic_shifting.interval must be a duration");
    }

    // --- pre- and post-deployment checks ---

    private static final DeploymentChecks DEFAULTS =
            new DeploymentChecks(
                    new Pre(
                            new HealthEndpoint("http://checkout.staging/health", 204),
                            new Database("db.staging", 6432),
                            List.of("http://payments.staging", "http://stock.staging")),
                    new Post(
                            List.of(
                                    "http://checkout.staging/health",
                                    "http://checkout.staging/api/cart"),
                            "<1%",
                            "<500ms",
                            new FeatureFlags(
                                    "http://flags.staging/flags/{flag}", List.of("new-checkout")),
                            new Database("db.staging", null)));

    @Test
    void withoutChecksAnywhereTheCheckPhasesOnlyNameTheirStage() {
        DeploymentRequested request = withChecks(request("canary"), null);

        PhasePlan plan = compiler.compile(request, null);

        assertThat(plan.phase(0).parameters()).isEqualTo(Map.of("stage", "pre"));
        assertThat(plan.phase(4).parameters()).isEqualTo(Map.of("stage", "post"));
        assertThat(compiler.compile(request, new DeploymentChecks(null, null))).isEqualTo(plan);
        assertThat(compiler.compile(withChecks(request, new DeploymentChecks(null, null)), null))
                .isEqualTo(plan);
    }

    @Test
    void theRequestsOwnChecksAsTheRunbookWritesThem() {
        PhasePlan plan = compiler.compile(request("canary"), DEFAULTS);

        // The fixture gives every field, so none of the defaults shows through.
        assertThat(plan.phase(0).parameters())
                .isEqualTo(
                        Map.of(
                                "stage", "pre",
                                "health",
                                        Map.of(
                                                "url",
                                                "https://checkout.shop.example.com/health",
                                                "expectedStatus",
                                                200),
                                "database", Map.of("host", "db.shop.internal", "port", 5432),
                                "dependencies",
                                        List.of(
                                                "https://payments.example.com/health",
                                                "https://inventory.example.com/health")));
        assertThat(plan.phase(4).parameters())
                .isEqualTo(
                        Map.of(
                                "stage",
                                "post",
                                "endpoints",
                                List.of(
                                        "https://api.example.com/health",
                                        "https://api.example.com/ready"),
                                "errorRate",
                                "<1%",
                                "responseTimeP95",
                                "<500ms",
                                "featureFlags",
                                Map.of(
                                        "url",
                                        "http://feature-flags-service/api/flags/{flag}",
                                        "required",
                                        List.of(
                                                "user_registration",
                                                "payment_processing",
                                                "order_management")),
                                "database",
                                Map.of("host", "db.shop.internal", "port", 5432)));
    }

    @Test
    void stablesVerificationChecksHealthAndEveryTriggerOnTheStableVersion() {
        Map<String, Object> canary =
                compiler.rollbackVerification(
                        withChecks(request("canary"), null), DEFAULTS, "2.3.9");
        assertThat(canary)
                .containsEntry("stage", "rollback")
                .containsEntry(
                        "health",
                        Map.of("url", "http://checkout.staging/health", "expectedStatus", 204))
                .containsEntry(
                        "endpoints",
                        List.of(
                                "http://checkout.staging/health",
                                "http://checkout.staging/api/cart"))
                .containsEntry("version", "2.3.9")
                .containsEntry("rolledBackVersion", request("canary").version())
                .containsEntry("application", request("canary").application())
                .containsEntry("strategy", "canary")
                .doesNotContainKeys("errorRate", "responseTimeP95", "database");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> triggers =
                (List<Map<String, Object>>) canary.get("rollbackTriggers");
        assertThat(triggers)
                .extracting(t -> t.get("metric") + " " + t.get("threshold"))
                .containsExactly(
                        "error_rate 5%",
                        "response_time_p95 1000ms", "health_check_success_rate 90%");

        // Blue-green's errors-per-minute threshold is a trigger too; without a known stable version
        // none is named.
        Map<String, Object> blueGreen =
                compiler.rollbackVerification(request("blue-green"), null, null);
        @SuppressWarnings("unchecked")
        List<Object> thresholds = (List<Object>) blueGreen.get("rollbackTriggers");
        assertThat(blueGreen).doesNotContainKeys("version", "health", "endpoints");
        assertThat(thresholds)
                .containsExactly(
                        Map.of(
                                "name", PhaseCompiler.ROLLBACK_THRESHOLD_TRIGGER,
                                "metric", "errors_per_minute",
                                "threshold", "5/min",
                                "action", "automatic_rollback"));
    }

    @Test
    void theEnvironmentsDefaultsFillARequestWithoutChecks() {
        PhasePlan plan = compiler.compile(withChecks(request("canary"), null), DEFAULTS);

        assertThat(plan.phase(0).parameters())
                .isEqualTo(
                        Map.of(
                                "stage", "pre",
                                "health",
                                        Map.of(
                                                "url",
                                                "http://checkout.staging/health",
                                                "expectedStatus",
                                                204),
                                "database", Map.of("host", "db.staging", "port", 6432),
                                "dependencies",
                                        List.of(
                                                "http://payments.staging",
                                                "http://stock.staging")));
        assertThat(plan.phase(4).parameters())
                .isEqualTo(
                        Map.of(
                                "stage",
                                "post",
                                "endpoints",
                                List.of(
                                        "http://checkout.staging/health",
                                        "http://checkout.staging/api/cart"),
                                "errorRate",
                                "<1%",
                                "responseTimeP95",
                                "<500ms",
                                "featureFlags",
                                Map.of(
                                        "url",
                                        "http://flags.staging/flags/{flag}",
                                        "required",
                                        List.of("new-checkout")),
                                // The runbook's post-deployment database connectivity check.
                                "database",
                                Map.of("host", "db.staging", "port", 5432)));
    }

    @Test
    void theRequestsChecksWinFieldByFieldAndTheDefaultsFillTheGaps() {
        DeploymentChecks own =
                new DeploymentChecks(
                        new Pre(
                                new HealthEndpoint("http://checkout.internal/ready", null),
                                null,
                                null),
                        new Post(
                                List.of("http://checkout.internal/ready"),
                                "<0.5%",
                                null,
                                null,
                                null));

        PhasePlan plan = compiler.compile(withChecks(request("canary"), own), DEFAULTS);

        assertThat(plan.phase(0).parameters())
                .isEqualTo(
                        Map.of(
                                "stage", "pre",
                                // The request's health endpoint replaces the default's whole: its
                                // status is not 204 but 200.
                                "health",
                                        Map.of(
                                                "url",
                                                "http://checkout.internal/ready",
                                                "expectedStatus",
                                                200),
                                "database", Map.of("host", "db.staging", "port", 6432),
                                "dependencies",
                                        List.of(
                                                "http://payments.staging",
                                                "http://stock.staging")));
        assertThat(plan.phase(4).parameters())
                .isEqualTo(
                        Map.of(
                                "stage",
                                "post",
                                "endpoints",
                                List.of("http://checkout.internal/ready"),
                                "errorRate",
                                "<0.5%",
                                "responseTimeP95",
                                "<500ms",
                                "featureFlags",
                                Map.of(
                                        "url",
                                        "http://flags.staging/flags/{flag}",
                                        "required",
                                        List.of("new-checkout")),
                                // The runbook's post-deployment database connectivity check.
                                "database",
                                Map.of("host", "db.staging", "port", 5432)));
    }

    @Test
    void defaultsWithMissingPartsLeaveThoseChecksOut() {
        DeploymentChecks defaults =
                new DeploymentChecks(new Pre(null, new Database("db.dev", null), null), null);
        DeploymentChecks own =
                new DeploymentChecks(null, new Post(null, null, "<800ms", null, null));

        PhasePlan plan = compiler.compile(withChecks(request("rolling"), own), defaults);

        assertThat(plan.phase(0).parameters())
                .isEqualTo(
                        Map.of("stage", "pre", "database", Map.of("host", "db.dev", "port", 5432)));
        assertThat(plan.phase(2).parameters())
                .isEqualTo(Map.of("stage", "post", "responseTimeP95", "<800ms"));
    }

    @Test
    void anEmptyListInTheRequestSwitchesTheDefaultListOff() {
        DeploymentChecks own =
                new DeploymentChecks(
                        new Pre(null, null, List.of()),
                        new Post(List.of(), null, null, null, null));

        PhasePlan plan = compiler.compile(withChecks(request("canary"), own), DEFAULTS);

        assertThat(plan.phase(0).parameters())
                .containsKeys("health", "database")
                .doesNotContainKey("dependencies");
        assertThat(plan.phase(4).parameters())
                .containsKeys("errorRate")
                .doesNotContainKey("endpoints");
    }

    @Test
    void aCheckWithoutItsAddressIsRefused() {
        DeploymentChecks own =
                new DeploymentChecks(new Pre(new HealthEndpoint(null, 200), null, null), null);

        assertThatThrownBy(() -> compiler.compile(withChecks(request("canary"), own), DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checks.pre.health.url");
    }

    // --- rollback triggers, artifact and version ---

    @Test
    void rollbackTriggersTravelInEveryAnalysedPhaseAndNoOther() {
        PhasePlan plan = compiler.compile(request("canary"), DEFAULTS);

        List<Map<String, Object>> triggers =
                List.of(
                        trigger("high_error_rate", "error_rate", "5%", "5m"),
                        trigger("response_time_degradation", "response_time_p95", "1000ms", "3m"),
                        trigger("health_check_failure", "health_check_success_rate", "90%", "2m"));
        assertThat(plan.phases())
                .filteredOn(PlannedPhase::analysed)
                .hasSize(3)
                .allSatisfy(
                        phase ->
                                assertThat(phase.parameters())
                                        .containsEntry("rollbackTriggers", triggers));
        assertThat(plan.phases())
                .filteredOn(phase -> !phase.analysed())
                .hasSize(3)
                .allSatisfy(
                        phase ->
                                assertThat(phase.parameters())
                                        .doesNotContainKey("rollbackTriggers"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"blue-green", "rolling"})
    void withoutARollbackBlockOrRollbackThresholdNoPhaseCarriesTriggers(String name) {
        ObjectNode doc = Requests.json(name);
        doc.put("deploymentId", ID.toString());
        if (doc.path("deployment").path("traffic_shifting").isObject()) {
            ((ObjectNode) doc.path("deployment").path("traffic_shifting"))
                    .remove("rollback_threshold");
        }
        PhasePlan plan;
        try {
            plan = compiler.compile(JSON.treeToValue(doc, DeploymentRequested.class), DEFAULTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }

        assertThat(plan.phases())
                .allSatisfy(
                        phase ->
                                assertThat(phase.parameters())
                                        .doesNotContainKey("rollbackTriggers"));
    }

    @Test
    void theRolloutPhaseOfARollingPlanCarriesTheTriggers() {
        DeploymentRequested canary = request("canary");
        DeploymentRequested rolling = request("rolling");
        DeploymentRequested request =
                new DeploymentRequested(
                        rolling.deploymentId(),
                        rolling.application(),
                        rolling.environment(),
                        rolling.version(),
                        rolling.artifact(),
                        rolling.commitSha(),
                        rolling.commitTime(),
                        rolling.requestedBy(),
                        rolling.target(),
                        rolling.deployment(),
                        canary.rollback(),
                        null);

        PhasePlan plan = compiler.compile(request, null);

        assertThat(plan.phase(1).type()).isEqualTo(PhaseType.ROLLOUT);
        assertThat(plan.phase(1).parameters()).containsKey("rollbackTriggers");
        assertThat(plan.phases())
                .filteredOn(phase -> phase.parameters().containsKey("rollbackTriggers"))
                .extracting(PlannedPhase::index)
                .containsExactly(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"canary", "blue-green", "rolling"})
    void theExecutorsPhasesCarryArtifactAndVersionAndTheChecksDoNot(String name) {
        DeploymentRequested request = request(name);

        PhasePlan plan = compiler.compile(request, DEFAULTS);

        assertThat(plan.phases())
                .allSatisfy(
                        phase -> {
                            if (phase.type() == PhaseType.CHECKS) {
                                assertThat(phase.parameters())
                                        .doesNotContainKeys("artifact", "version");
                            } else {
                                assertThat(phase.parameters())
                                        .containsEntry("artifact", request.artifact())
                                        .containsEntry("version", request.version());
                            }
                        });
    }

    // --- the plan as data ---

    @Test
    void aPhasesParametersSerializeToTheJsonTheExecutorReads() throws JsonProcessingException {
        PlannedPhase rampUp = compiler.compile(request("canary"), null).phase(2);

        String json = JSON.writeValueAsString(rampUp.parameters());

        assertThat(JSON.readTree(json))
                .isEqualTo(
                        JSON.readTree(
                                """
                {
                  "weight": 25,
                  "duration": "15m",
                  "successCriteria": {"error_rate": "<0.5%", "response_time": "<400ms"},
                  "artifact": "registry.example.com/checkout:2.4.0",
                  "version": "2.4.0",
                  "rollbackTriggers": [
                    {"name": "high_error_rate", "metric": "error_rate", "threshold": "5%",
                     "duration": "5m", "action": "automatic_rollback"},
                    {"name": "response_time_degradation", "metric": "response_time_p95", "threshold": "1000ms",
                     "duration": "3m", "action": "automatic_rollback"},
                    {"name": "health_check_failure", "metric": "health_check_success_rate", "threshold": "90%",
                     "duration": "2m", "action": "automatic_rollback"}
                  ]
                }"""));
        // Insertion order is kept, so stored plans and events read the same every time.
        assertThat(json).startsWith("{\"weight\":25,\"duration\":\"15m\",\"successCriteria\":");
    }

    @ParameterizedTest
    @ValueSource(strings = {"canary", "blue-green", "rolling"})
    void everyPhasesParametersSurviveAJsonRoundTripUnchanged(String name)
            throws JsonProcessingException {
        PhasePlan plan = compiler.compile(request(name), DEFAULTS);

        for (PlannedPhase phase : plan.phases()) {
            Map<String, Object> read =
                    JSON.readValue(
                            JSON.writeValueAsString(phase.parameters()),
                            new TypeReference<LinkedHashMap<String, Object>>() {});
            assertThat(read).as("phase %d", phase.index()).isEqualTo(phase.parameters());
            assertThat(
                            new PlannedPhase(
                                    phase.index(),
                                    phase.type(),
                                    phase.name(),
                                    phase.trafficPercentage(),
                                    phase.hold(),
                                    phase.analysed(),
                                    read))
                    .isEqualTo(phase);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void parametersCannotBeChangedAfterCompilation() {
        PhasePlan plan = compiler.compile(request("canary"), DEFAULTS);
        Map<String, Object> traffic = plan.phase(1).parameters();
        Map<String, Object> criteria = (Map<String, Object>) traffic.get("successCriteria");
        List<Object> triggers = (List<Object>) traffic.get("rollbackTriggers");
        Map<String, Object> trigger = (Map<String, Object>) triggers.get(0);
        List<Object> dependencies = (List<Object>) plan.phase(0).parameters().get("dependencies");

        assertThatThrownBy(() -> traffic.put("weight", 50))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> criteria.remove("error_rate"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> triggers.clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> trigger.put("action", "alert"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> dependencies.add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> plan.phases().remove(0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parametersHoldOnlyJsonValues() {
        assertThatThrownBy(
                        () ->
                                new PlannedPhase(
                                        1,
                                        PhaseType.TRAFFIC,
                                        "initial",
                                        5,
                                        null,
                                        true,
                                        Map.of("hold", Duration.ofMinutes(5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "parameters.hold must be a string, number, boolean, list or map, not Duration");
        assertThatThrownBy(
                        () ->
                                new PlannedPhase(
                                        1,
                                        PhaseType.TRAFFIC,
                                        "initial",
                                        5,
                                        null,
                                        true,
                                        Map.of("type", List.of(PhaseType.TRAFFIC))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameters.type[0]");
    }

    @Test
    void thePlanIsNumberedInOrderAndTheSameRequestCompilesToAnEqualPlan() {
        PhasePlan plan = compiler.compile(request("canary"), DEFAULTS);

        assertThat(compiler.compile(request("canary"), DEFAULTS)).isEqualTo(plan);
        assertThat(plan.phase(plan.size() - 1).index()).isEqualTo(plan.size() - 1);
        assertThatThrownBy(() -> plan.phase(plan.size()))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new PhasePlan(List.of(plan.phase(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase at position 0 has index 1");
    }

    // --- helpers ---

    @Test
    void aDatabaseBlockPlansTheBackupAndExpandBeforeTrafficAndTheContractAfterFinalize() {
        PhasePlan plan = compiler.compile(request("canary-database"), null);

        assertThat(plan.phases())
                .extracting(
                        PlannedPhase::index,
                        PlannedPhase::type,
                        PlannedPhase::name,
                        PlannedPhase::hold,
                        PlannedPhase::analysed)
                .containsExactly(
                        tuple(0, PhaseType.CHECKS, "pre-deployment checks", null, false),
                        tuple(
                                1,
                                PhaseType.MIGRATION,
                                "database backup and expand migration",
                                Duration.ofMinutes(20),
                                false),
                        tuple(2, PhaseType.TRAFFIC, "initial", Duration.ofMinutes(10), true),
                        tuple(3, PhaseType.TRAFFIC, "ramp-up", Duration.ofMinutes(15), true),
                        tuple(4, PhaseType.TRAFFIC, "full-rollout", null, true),
                        tuple(5, PhaseType.CHECKS, "post-deployment checks", null, false),
                        tuple(6, PhaseType.FINALIZE, "finalize", null, false),
                        tuple(
                                7,
                                PhaseType.MIGRATION,
                                "database contract migration",
                                Duration.ofMinutes(20),
                                false));
        Map<String, Object> expand = plan.phase(1).parameters();
        assertThat(expand)
                .containsEntry("stage", "expand")
                .containsEntry("backup", true)
                .containsEntry("target", "2")
                .containsEntry("url", "jdbc:postgresql://db.shop.internal:5432/checkout")
                .containsEntry(
                        "credentials",
                        Map.of("username", "checkout_app", "passwordEnv", "CHECKOUT_DB_PASSWORD"))
                .containsEntry("scripts", Map.of("directory", "/srv/checkout/migrations"))
                .containsEntry("backupDirectory", "/var/backups/stride/checkout")
                .containsEntry(
                        "flyway",
                        Map.of("schemas", List.of("public"), "table", "flyway_schema_history"))
                .containsEntry("timeout", "20m")
                .containsEntry("version", "2.4.0");
        assertThat(plan.phase(7).parameters())
                .containsEntry("stage", "contract")
                .containsEntry("backup", false)
                .containsEntry("target", "3");
        Map<String, Object> server =
                Map.of("host", "db.shop.internal", "port", 5432, "database", "checkout");
        assertThat(plan.phase(0).parameters())
                .as("the verifier's pre-check reaches the database, without its credentials")
                .containsEntry("migrationDatabase", server);
        assertThat(plan.phase(5).parameters()).containsEntry("migrationDatabase", server);
        assertThat(plan.phase(0).parameters().toString()).doesNotContain("checkout_app");
    }

    @Test
    void withoutADatabaseBlockTheChecksReachNoMigratedDatabase() {
        PhasePlan plan = compiler.compile(request("canary"), null);

        assertThat(plan.phases())
                .filteredOn(p -> p.type() == PhaseType.CHECKS)
                .allSatisfy(p -> assertThat(p.parameters()).doesNotContainKey("migrationDatabase"));
    }

    @Test
    void onlyContractMigrationsBackUpAfterFinalizeAndNoDatabaseBlockPlansNoMigration() {
        DeploymentRequested request = request("canary-database");
        var database = request.database();
        DeploymentRequested contractOnly =
                withDatabase(
                        request,
                        new dev.stride.events.spec.DatabaseMigration(
                                database.url(),
                                database.credentials(),
                                database.scripts(),
                                List.of(
                                        new dev.stride.events.spec.DatabaseMigration.Migration(
                                                "3", "contract", null)),
                                database.backup(),
                                null,
                                null,
                                null,
                                null));

        PhasePlan plan = compiler.compile(contractOnly, null);

        assertThat(plan.phases())
                .extracting(PlannedPhase::type)
                .containsOnlyOnce(PhaseType.MIGRATION);
        PlannedPhase last = plan.phase(plan.size() - 1);
        assertThat(last.name()).isEqualTo("database backup and contract migration");
        assertThat(last.hold()).isEqualTo(Duration.ofMinutes(30));
        assertThat(last.parameters()).containsEntry("backup", true).containsEntry("timeout", "30m");
        assertThat(compiler.compile(request("canary"), null).phases())
                .extracting(PlannedPhase::type)
                .doesNotContain(PhaseType.MIGRATION);
    }

    private static DeploymentRequested withDatabase(
            DeploymentRequested r, dev.stride.events.spec.DatabaseMigration database) {
        return new DeploymentRequested(
                r.deploymentId(),
                r.application(),
                r.environment(),
                r.version(),
                r.artifact(),
                r.commitSha(),
                r.commitTime(),
                r.requestedBy(),
                r.target(),
                r.deployment(),
                r.rollback(),
                r.checks(),
                database);
    }

    private static DeploymentRequested request(String name) {
        ObjectNode doc = Requests.json(name);
        doc.put("deploymentId", ID.toString());
        try {
            return JSON.treeToValue(doc, DeploymentRequested.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeploymentRequested withChecks(DeploymentRequested r, DeploymentChecks checks) {
        return new DeploymentRequested(
                r.deploymentId(),
                r.application(),
                r.environment(),
                r.version(),
                r.artifact(),
                r.commitSha(),
                r.commitTime(),
                r.requestedBy(),
                r.target(),
                r.deployment(),
                r.rollback(),
                checks);
    }

    private static DeploymentRequested withStrategy(
            DeploymentRequested r, DeploymentStrategy strategy) {
        return new DeploymentRequested(
                r.deploymentId(),
                r.application(),
                r.environment(),
                r.version(),
                r.artifact(),
                r.commitSha(),
                r.commitTime(),
                r.requestedBy(),
                r.target(),
                strategy,
                r.rollback(),
                r.checks());
    }

    private static Map<String, Object> trigger(
            String name, String metric, String threshold, String duration) {
        return Map.of(
                "name",
                name,
                "metric",
                metric,
                "threshold",
                threshold,
                "duration",
                duration,
                "action",
                "automatic_rollback");
    }
}
