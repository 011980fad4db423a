package dev.stride.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.spec.Environment;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventSchemasTest {

    private static final ObjectMapper MAPPER = EventCodec.mapper();
    private static final EventSchemas SCHEMAS = EventSchemas.shared();

    /** The contract, written out: data fields every producer must send. Everything else in a record is optional. */
    private static final Map<EventType, List<String>> REQUIRED =
            byType(
                    EventType.DEPLOYMENT_REQUESTED,
                            List.of(
                                    "deploymentId",
                                    "application",
                                    "environment",
                                    "version",
                                    "artifact",
                                    "requestedBy",
                                    "target",
                                    "deployment"),
                    EventType.PHASE_REQUESTED,
                            List.of(
                                    "deploymentId",
                                    "attempt",
                                    "phase",
                                    "phaseType",
                                    "target",
                                    "parameters"),
                    EventType.PHASE_STARTED,
                            List.of(
                                    "deploymentId",
                                    "attempt",
                                    "phase",
                                    "phaseType",
                                    "observedWeights",
                                    "observedAt"),
                    EventType.PHASE_COMPLETED,
                            List.of("deploymentId", "attempt", "phase", "phaseType", "outcome"),
                    EventType.THRESHOLD_BREACHED,
                            List.of(
                                    "deploymentId",
                                    "attempt",
                                    "phase",
                                    "metric",
                                    "threshold",
                                    "window",
                                    "kind",
                                    "action"),
                    EventType.ROLLBACK_REQUESTED, List.of("deploymentId", "attempt", "requestedBy"),
                    EventType.ROLLBACK_COMPLETED, List.of("deploymentId", "attempt", "outcome"),
                    EventType.DEPLOYMENT_FINISHED,
                            List.of(
                                    "deploymentId",
                                    "application",
                                    "environment",
                                    "version",
                                    "outcome",
                                    "requestedAt",
                                    "finishedAt"),
                    EventType.INCIDENT_OPENED,
                            List.of(
                                    "incidentId",
                                    "deploymentId",
                                    "application",
                                    "environment",
                                    "severity",
                                    "title",
                                    "cause",
                                    "openedAt"),
                    EventType.INCIDENT_RESOLVED,
                            List.of(
                                    "incidentId",
                                    "deploymentId",
                                    "severity",
                                    "resolution",
                                    "resolvedAt"),
                    EventType.DEPLOYMENT_PAUSED,
                            List.of(
                                    "deploymentId",
                                    "attempt",
                                    "phase",
                                    "application",
                                    "environment",
                                    "pausedBy"),
                    EventType.DEPLOYMENT_RESUMED,
                            List.of(
                                    "deploymentId",
                                    "attempt",
                                    "phase",
                                    "application",
                                    "environment",
                                    "resumedBy"));

    private static final Map<EventType, List<String>> OPTIONAL =
            Map.of(
                    EventType.DEPLOYMENT_REQUESTED,
                            List.of("commitSha", "commitTime", "rollback", "checks", "database"),
                    EventType.PHASE_COMPLETED, List.of("summary"),
                    EventType.THRESHOLD_BREACHED,
                            List.of("observedValue", "application", "environment"),
                    EventType.ROLLBACK_REQUESTED, List.of("reason"),
                    EventType.ROLLBACK_COMPLETED, List.of("detail"),
                    EventType.DEPLOYMENT_FINISHED, List.of("reason", "commitTime"),
                    EventType.INCIDENT_OPENED, List.of("declaredBy"),
                    EventType.DEPLOYMENT_PAUSED, List.of("reason"));

    // Map.of stops at ten pairs.
    @SuppressWarnings("unchecked")
    private static Map<EventType, List<String>> byType(Object... pairs) {
        Map<EventType, List<String>> map = new java.util.EnumMap<>(EventType.class);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((EventType) pairs[i], (List<String>) pairs[i + 1]);
        }
        return Map.copyOf(map);
    }

    static Stream<Arguments> requiredFields() {
        return Arrays.stream(EventType.values())
                .flatMap(
                        type ->
                                REQUIRED.get(type).stream()
                                        .map(field -> Arguments.of(type, field)));
    }

    static Stream<Arguments> optionalFields() {
        return OPTIONAL.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(field -> Arguments.of(e.getKey(), field)));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void fixtureIsValid(EventType type) {
        ObjectNode event = Fixtures.of(type);

        assertThat(event.get("type").asText()).isEqualTo(type.type());
        assertThat(SCHEMAS.validate(type, event)).isEmpty();
        assertThat(SCHEMAS.validate(event)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void dataRoundTripsThroughTheRecord(EventType type) throws Exception {
        assertRoundTrip(type, Fixtures.of(type));
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployment-requested-blue-green", "deployment-requested-rolling"})
    void otherRunbookStrategiesValidateAndRoundTrip(String fixture) throws Exception {
        ObjectNode event = Fixtures.load(fixture);

        assertThat(SCHEMAS.validate(EventType.DEPLOYMENT_REQUESTED, event)).isEmpty();
        assertThat(SCHEMAS.validate(event)).isEmpty();
        assertRoundTrip(EventType.DEPLOYMENT_REQUESTED, event);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void wrappedEventValidates(EventType type) throws Exception {
        StrideEvent data = MAPPER.treeToValue(Fixtures.of(type).get("data"), type.dataClass());
        EventCodec codec =
                new EventCodec(
                        Clock.fixed(Instant.parse("2026-03-02T14:00:00.123Z"), ZoneOffset.UTC));

        CloudEvent envelope = codec.wrap(data, "/stride/test");
        JsonNode tree = codec.parseTree(codec.encode(envelope));

        assertThat(SCHEMAS.validate(type, tree)).isEmpty();
        assertThat(SCHEMAS.validate(tree)).isEmpty();
        assertThat(tree.get("subject").asText()).isEqualTo(data.deploymentId().toString());
        assertThat(codec.data(codec.toEnvelope(tree), type.dataClass())).isEqualTo(data);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void unknownFieldsAreTolerated(EventType type) throws Exception {
        ObjectNode event = Fixtures.of(type);
        event.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        event.putObject("strideexperiment").put("anything", true);
        Fixtures.data(event).put("someFutureField", "v2 will say more");
        Fixtures.data(event).putObject("someFutureBlock").putArray("items").add(1);

        assertThat(SCHEMAS.validate(type, event)).isEmpty();
        StrideEvent data = MAPPER.treeToValue(event.get("data"), type.dataClass());
        assertThat(data)
                .isEqualTo(MAPPER.treeToValue(Fixtures.of(type).get("data"), type.dataClass()));
        assertThat(new EventCodec().toEnvelope(event).id()).isEqualTo(event.get("id").asText());
    }

    @ParameterizedTest
    @MethodSource("requiredFields")
    void missingRequiredDataFieldIsRejected(EventType type, String field) {
        ObjectNode event = Fixtures.of(type);
        assertThat(Fixtures.data(event).has(field)).as("fixture has " + field).isTrue();
        Fixtures.data(event).remove(field);

        List<String> messages = SCHEMAS.validate(type, event);

        assertThat(messages)
                .isNotEmpty()
                .anySatisfy(m -> assertThat(m).startsWith("$.data." + field + ": "));
        assertThat(SCHEMAS.validate(event)).isEqualTo(messages);
    }

    @ParameterizedTest
    @MethodSource("optionalFields")
    void optionalDataFieldMayBeAbsentOrNull(EventType type, String field) {
        ObjectNode event = Fixtures.of(type);
        assertThat(Fixtures.data(event).has(field)).as("fixture has " + field).isTrue();

        Fixtures.data(event).remove(field);
        assertThat(SCHEMAS.validate(type, event)).isEmpty();

        Fixtures.data(event).putNull(field);
        assertThat(SCHEMAS.validate(type, event)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void requiredAndOptionalFieldsCoverTheRecordAndTheSchema(EventType type) {
        Set<String> components =
                Arrays.stream(type.dataClass().getRecordComponents())
                        .map(RecordComponent::getName)
                        .collect(Collectors.toSet());
        Set<String> documented = new HashSet<>(REQUIRED.get(type));
        documented.addAll(OPTIONAL.getOrDefault(type, List.of()));
        JsonNode dataSchema = Fixtures.read(type.schemaResource()).path("properties").path("data");
        Set<String> schemaRequired = new HashSet<>();
        dataSchema.path("required").forEach(n -> schemaRequired.add(n.asText()));
        Set<String> schemaProperties = new HashSet<>();
        dataSchema.path("properties").fieldNames().forEachRemaining(schemaProperties::add);

        assertThat(documented).isEqualTo(components);
        assertThat(schemaProperties).isEqualTo(components);
        assertThat(schemaRequired).containsExactlyInAnyOrderElementsOf(REQUIRED.get(type));
        assertThat(dataSchema.has("additionalProperties"))
                .as("unknown data fields must be tolerated")
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaIdMatchesItsLocation(EventType type) {
        JsonNode schema = Fixtures.read(type.schemaResource());

        assertThat(schema.get("$id").asText())
                .isEqualTo(EventSchemas.schemaIri(type))
                .isEqualTo(
                        "https://stride.dev/schemas/" + Fixtures.schemaName(type) + ".schema.json");
        assertThat(schema.get("$schema").asText())
                .isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("properties").path("type").path("const").asText())
                .isEqualTo(type.type());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void typeAttributeOfAnotherEventIsRejected(EventType type) {
        EventType other = EventType.values()[(type.ordinal() + 1) % EventType.values().length];
        ObjectNode event = Fixtures.of(type);
        event.put("type", other.type());

        assertThat(SCHEMAS.validate(type, event))
                .anySatisfy(m -> assertThat(m).startsWith("$.type: "));
        assertThat(SCHEMAS.validate(event)).as("validated as %s", other).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"specversion", "id", "type", "source", "time", "subject", "data"})
    void missingEnvelopeAttributeIsRejected(String attribute) {
        ObjectNode event = Fixtures.of(EventType.PHASE_STARTED);
        event.remove(attribute);

        assertThat(SCHEMAS.validate(EventType.PHASE_STARTED, event))
                .anySatisfy(m -> assertThat(m).startsWith("$." + attribute + ": "));
        assertThat(SCHEMAS.validate(event))
                .anySatisfy(m -> assertThat(m).startsWith("$." + attribute + ": "));
    }

    @Test
    void datacontenttypeIsOptional() {
        ObjectNode event = Fixtures.of(EventType.PHASE_STARTED);
        event.remove("datacontenttype");

        assertThat(SCHEMAS.validate(event)).isEmpty();
    }

    @Test
    void unknownTypeIsRejectedByName() {
        ObjectNode event = Fixtures.of(EventType.PHASE_STARTED);
        event.put("type", "dev.stride.phase.exploded.v1");

        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.type: ")
                .contains("unknown event type 'dev.stride.phase.exploded.v1'");
    }

    @Test
    void nonObjectIsRejected() throws Exception {
        assertThat(SCHEMAS.validate(MAPPER.readTree("[1, 2]")))
                .singleElement(STRING)
                .startsWith("$: ");
        assertThat(SCHEMAS.validate(null)).singleElement(STRING).startsWith("$: ");
        assertThat(SCHEMAS.validate(EventType.PHASE_STARTED, MAPPER.readTree("\"text\"")))
                .singleElement(STRING)
                .startsWith("$: ");
    }

    @Test
    void envelopeAttributesAreChecked() {
        ObjectNode event = Fixtures.of(EventType.PHASE_COMPLETED);
        event.put("specversion", "0.3");
        event.put("id", "");
        event.put("time", "2 March 2026");
        event.put("subject", "not-a-uuid");
        event.put("datacontenttype", "text/plain");
        event.put("data", "text");

        assertThat(SCHEMAS.validate(event))
                .anySatisfy(m -> assertThat(m).startsWith("$.specversion: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.id: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.time: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.subject: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.datacontenttype: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data: "));
    }

    @Test
    void subjectMustBeTheDeploymentId() {
        ObjectNode event = Fixtures.of(EventType.ROLLBACK_REQUESTED);
        event.put("subject", UUID.randomUUID().toString());

        assertThat(SCHEMAS.validate(event)).singleElement(STRING).startsWith("$.subject: ");
    }

    @Test
    void environmentIsLowerCase() {
        ObjectNode event = Fixtures.of(EventType.DEPLOYMENT_REQUESTED);
        Fixtures.data(event).put("environment", "PRODUCTION");

        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.environment: ");
    }

    @Test
    void anyEnvironmentNameOfTheContractsFormIsValidTheCatalogueIsConfiguration() {
        for (String name : List.of("qa", "prod-eu", "perf2", "a")) {
            ObjectNode event = Fixtures.of(EventType.DEPLOYMENT_REQUESTED);
            Fixtures.data(event).put("environment", name);
            assertThat(SCHEMAS.validate(event)).as(name).isEmpty();
            assertThat(Environment.fromWire(name).wireName()).isEqualTo(name);
        }
        for (String name : List.of("prod-", "-prod", "prod eu", "2prod", "p".repeat(33), "")) {
            ObjectNode event = Fixtures.of(EventType.DEPLOYMENT_REQUESTED);
            Fixtures.data(event).put("environment", name);
            assertThat(SCHEMAS.validate(event))
                    .as(name)
                    .singleElement(STRING)
                    .startsWith("$.data.environment: ");
            assertThatThrownBy(() -> Environment.fromWire(name))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void haproxyTargetNeedsSocketOrAddress() {
        ObjectNode event = Fixtures.of(EventType.DEPLOYMENT_REQUESTED);
        ObjectNode target = (ObjectNode) Fixtures.data(event).get("target");

        target.remove("address");
        assertThat(SCHEMAS.validate(event))
                .isNotEmpty()
                .anySatisfy(m -> assertThat(m).startsWith("$.data.target.socket: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.target.address: "));

        target.put("socket", "/var/run/haproxy/admin.sock");
        assertThat(SCHEMAS.validate(event)).isEmpty();

        target.remove("backend");
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.target.backend: ");
    }

    @Test
    void targetFieldsDependOnPlatform() {
        ObjectNode event = Fixtures.of(EventType.PHASE_REQUESTED);
        ObjectNode target = (ObjectNode) Fixtures.data(event).get("target");
        assertThat(target.get("platform").asText()).isEqualTo("aws-ecs");

        target.remove("cluster");
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.target.cluster: ");

        target.removeAll().put("platform", "kubernetes").put("namespace", "shop");
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.target.deployment: ");

        target.removeAll()
                .put("platform", "aws-alb")
                .put("region", "eu-west-1")
                .put("listenerArn", "listener-1");
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.target.listenerArn: ");

        target.removeAll().put("platform", "nomad");
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.target.platform: ");

        target.removeAll();
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.target.platform: ");
    }

    @Test
    void canaryPhasesAreChecked() {
        ObjectNode event = Fixtures.of(EventType.DEPLOYMENT_REQUESTED);
        ObjectNode deployment = (ObjectNode) Fixtures.data(event).get("deployment");
        ObjectNode first = (ObjectNode) deployment.get("phases").get(0);
        first.put("traffic_percentage", 101);
        first.put("duration", "10 minutes");
        ((ObjectNode) first.get("success_criteria")).put("error_rate", "one percent");
        first.remove("name");

        assertThat(SCHEMAS.validate(event))
                .hasSize(4)
                .anySatisfy(
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "$.data.deployment.phases[0].traffic_percentage: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.deployment.phases[0].duration: "))
                .anySatisfy(
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "$.data.deployment.phases[0].success_criteria.error_rate: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.deployment.phases[0].name: "));

        deployment.putArray("phases");
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.deployment.phases: ");

        deployment.put("strategy", "big-bang");
        assertThat(SCHEMAS.validate(event))
                .singleElement(STRING)
                .startsWith("$.data.deployment.strategy: ");
    }

    @Test
    void blueGreenAndRollingBlocksAreChecked() {
        ObjectNode blueGreen = Fixtures.load("deployment-requested-blue-green");
        ObjectNode shifting =
                (ObjectNode) Fixtures.data(blueGreen).get("deployment").get("traffic_shifting");
        shifting.put("increment", 0);
        shifting.put("interval", 5);
        assertThat(SCHEMAS.validate(blueGreen))
                .hasSize(2)
                .anySatisfy(
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "$.data.deployment.traffic_shifting.increment: "))
                .anySatisfy(
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "$.data.deployment.traffic_shifting.interval: "));

        ObjectNode rolling = Fixtures.load("deployment-requested-rolling");
        ObjectNode deployment = (ObjectNode) Fixtures.data(rolling).get("deployment");
        ((ObjectNode) deployment.get("health_check")).remove("timeout");
        deployment.put("batch_size", 0);
        assertThat(SCHEMAS.validate(rolling))
                .hasSize(2)
                .anySatisfy(
                        m -> assertThat(m).startsWith("$.data.deployment.health_check.timeout: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.deployment.batch_size: "));
    }

    @Test
    void rollbackTriggersAreChecked() {
        ObjectNode event = Fixtures.of(EventType.DEPLOYMENT_REQUESTED);
        ObjectNode rollback = (ObjectNode) Fixtures.data(event).get("rollback");
        ArrayNode triggers = (ArrayNode) rollback.get("triggers");
        ((ObjectNode) triggers.get(0)).put("action", "panic");
        ((ObjectNode) triggers.get(1)).put("threshold", "> 1 second");
        ((ObjectNode) triggers.get(2)).remove("duration");

        assertThat(SCHEMAS.validate(event))
                .hasSize(3)
                .anySatisfy(m -> assertThat(m).startsWith("$.data.rollback.triggers[0].action: "))
                .anySatisfy(
                        m -> assertThat(m).startsWith("$.data.rollback.triggers[1].threshold: "))
                .anySatisfy(
                        m -> assertThat(m).startsWith("$.data.rollback.triggers[2].duration: "));
    }

    @Test
    void checksAreChecked() {
        ObjectNode event = Fixtures.of(EventType.DEPLOYMENT_REQUESTED);
        ObjectNode checks = (ObjectNode) Fixtures.data(event).get("checks");
        ((ObjectNode) checks.at("/pre/health"))
                .put("url", "ftp://checkout.shop.example.com/health");
        ((ObjectNode) checks.at("/pre/database")).put("port", 0);
        ((ObjectNode) checks.get("post")).put("error_rate", "<500ms");
        ((ObjectNode) checks.at("/post/feature_flags")).remove("required");

        assertThat(SCHEMAS.validate(event))
                .hasSize(4)
                .anySatisfy(m -> assertThat(m).startsWith("$.data.checks.pre.health.url: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.checks.pre.database.port: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.checks.post.error_rate: "))
                .anySatisfy(
                        m ->
                                assertThat(m)
                                        .startsWith("$.data.checks.post.feature_flags.required: "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<1%", "<500ms", "5%", "1000ms", "<=0.5%", ">=99.9%", ">2s", "90%"})
    void thresholdsOfTheRunbookAreAccepted(String threshold) {
        ObjectNode event = Fixtures.of(EventType.THRESHOLD_BREACHED);
        Fixtures.data(event).put("threshold", threshold);

        assertThat(SCHEMAS.validate(event)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "%5", "< 1%", "1.%", "5 percent", "=5%", "5m"})
    void malformedThresholdsAreRejected(String threshold) {
        ObjectNode event = Fixtures.of(EventType.THRESHOLD_BREACHED);
        Fixtures.data(event).put("threshold", threshold);

        assertThat(SCHEMAS.validate(event)).singleElement(STRING).startsWith("$.data.threshold: ");
    }

    @Test
    void thresholdBreachedLowerCaseKindAndAction() {
        ObjectNode event = Fixtures.of(EventType.THRESHOLD_BREACHED);
        Fixtures.data(event).put("kind", "TRIGGER").put("action", "AUTOMATIC_ROLLBACK");

        assertThat(SCHEMAS.validate(event))
                .hasSize(2)
                .anySatisfy(m -> assertThat(m).startsWith("$.data.kind: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.action: "));
    }

    @Test
    void phaseRequestedParametersAreFree() {
        ObjectNode event = Fixtures.of(EventType.PHASE_REQUESTED);
        ObjectNode parameters = Fixtures.data(event).putObject("parameters");
        parameters.put("batch", 3).putArray("checks").add("http").add("database");

        assertThat(SCHEMAS.validate(event)).isEmpty();

        Fixtures.data(event).put("parameters", "weight=5");
        assertThat(SCHEMAS.validate(event)).singleElement(STRING).startsWith("$.data.parameters: ");
    }

    @Test
    void attemptStartsAtOneAndPhaseAtZero() {
        ObjectNode event = Fixtures.of(EventType.PHASE_STARTED);
        Fixtures.data(event).put("phase", 0);
        assertThat(SCHEMAS.validate(event)).isEmpty();

        Fixtures.data(event).put("attempt", 0).put("phase", -1);
        assertThat(SCHEMAS.validate(event))
                .hasSize(2)
                .anySatisfy(m -> assertThat(m).startsWith("$.data.attempt: "))
                .anySatisfy(m -> assertThat(m).startsWith("$.data.phase: "));
    }

    @Test
    void validatesConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results =
                    Stream.generate(() -> Arrays.stream(EventType.values()))
                            .limit(20)
                            .flatMap(s -> s)
                            .map(type -> pool.submit(() -> SCHEMAS.validate(Fixtures.of(type))))
                            .toList();
            for (Future<List<String>> result : results) {
                assertThat(result.get()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertRoundTrip(EventType type, ObjectNode event) throws Exception {
        JsonNode data = event.get("data");

        StrideEvent record = MAPPER.treeToValue(data, type.dataClass());
        JsonNode written = MAPPER.valueToTree(record);

        assertThat(record).isInstanceOf(type.dataClass());
        assertThat(EventType.of(record)).isEqualTo(type);
        assertThat(written).isEqualTo(data);
        assertThat(MAPPER.treeToValue(written, type.dataClass())).isEqualTo(record);
    }
}
