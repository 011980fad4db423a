package dev.stride.executor.traffic.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, stateful AWS behind WireMock, speaking the wire protocols the SDK uses: ELBv2, Auto Scaling and STS
 * as Query (form posts, XML answers), ECS and ECR as JSON 1.1 with {@code X-Amz-Target}. It keeps listener rules,
 * target groups and their targets' health, scaling groups and their instances, ECS services with deployments and
 * task definitions, ECR images and tags on everything, and records every call with its parameters, in order (as
 * Argo's fake clients do). Errors can be queued per action.
 */
public final class FakeAws implements ResponseDefinitionTransformerV2, AutoCloseable {

    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "eu-west-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCOPE =
            Pattern.compile("Credential=([A-Z0-9]+)/\\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/");

    /** One call as AWS received it: service, action, its parameters (Query form fields or the JSON body). */
    public record Call(
            String service,
            String action,
            Map<String, String> params,
            JsonNode body,
            String accessKeyId) {

        public String param(String name) {
            return params.get(name);
        }

        @Override
        public String toString() {
            return service + " " + action;
        }
    }

    private record Failure(int status, String code, String message) {}

    /** A listener rule's or listener's forward action: a plain TargetGroupArn, or ForwardConfig weights. */
    static final class Route {
        String plainTargetGroup;
        final LinkedHashMap<String, Integer> weights = new LinkedHashMap<>();

        boolean references(String group) {
            return group.equals(plainTargetGroup) || weights.containsKey(group);
        }
    }

    static final class Group {
        int min;
        int desired;
        int max;
        String targetGroup;
        final List<Instance> instances = new ArrayList<>();
    }

    static final class Instance {
        final String id;
        int checksUntilHealthy;
        boolean healthy = true;

        Instance(String id, int checksUntilHealthy) {
            this.id = id;
            this.checksUntilHealthy = checksUntilHealthy;
        }
    }

    static final class EcsService {
        String arn;
        String taskDefinition;
        int desiredCount = 2;

        /** As a new service has it: ECS's defaults, with the circuit breaker on (kept across updates). */
        ObjectNode deploymentConfiguration =
                JSON.createObjectNode()
                        .put("maximumPercent", 200)
                        .put("minimumHealthyPercent", 100)
                        .set(
                                "deploymentCircuitBreaker",
                                JSON.createObjectNode().put("enable", true).put("rollback", false));

        final Map<String, String> tags = new LinkedHashMap<>();
        final List<ObjectNode> deployments = new ArrayList<>();
        int pollsLeft;
    }

    private final WireMockServer server;
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Deque<Failure>> failures = new ConcurrentHashMap<>();

    final Map<String, Route> routes = new ConcurrentHashMap<>();
    final Map<String, String> targetGroups = new ConcurrentHashMap<>(); // name -> arn
    final Map<String, Group> groups = new ConcurrentHashMap<>();
    final Map<String, Map<String, String>> tags = new ConcurrentHashMap<>();
    final Map<String, EcsService> services = new ConcurrentHashMap<>(); // cluster/service
    final Map<String, ObjectNode> taskDefinitions = new ConcurrentHashMap<>();
    final Set<String> images = ConcurrentHashMap.newKeySet(); // repository:tag
    final Set<String> failingImages = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> revisions = new HashMap<>();
    private int nextInstance = 1;
    private int nextDeployment = 1;

    /** DescribeTargetHealth calls a new instance's target stays {@code initial} for. */
    volatile int warmupChecks;

    /** Whether the deployment circuit breaker also rolls back (ECS's {@code rollback: true}). */
    volatile boolean circuitBreakerRollback;

    /** DescribeServices calls a new ECS deployment stays IN_PROGRESS for. */
    volatile int rolloutPolls = 1;

    public FakeAws() {
        server = new WireMockServer(options().dynamicPort().extensions(this));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + server.port());
    }

    public WireMockServer server() {
        return server;
    }

    @Override
    public String getName() {
        return "fake-aws";
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Forgets all state and calls. */
    public synchronized void reset() {
        calls.clear();
        failures.clear();
        routes.clear();
        targetGroups.clear();
        groups.clear();
        tags.clear();
        services.clear();
        taskDefinitions.clear();
        images.clear();
        failingImages.clear();
        revisions.clear();
        nextInstance = 1;
        nextDeployment = 1;
        warmupChecks = 0;
        rolloutPolls = 1;
        circuitBreakerRollback = false;
        server.resetRequests();
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    /** The next call of {@code action} fails with this status and AWS error code. */
    public void failNext(String action, int status, String code, String message) {
        failures.computeIfAbsent(action, a -> new ArrayDeque<>())
                .add(new Failure(status, code, message));
    }

    // ----- set-up helpers
    // -------------------------------------------------------------------------------------

    public String targetGroup(String name) {
        return targetGroups.computeIfAbsent(
                name,
                n ->
                        "arn:aws:elasticloadbalancing:"
                                + REGION
                                + ":"
                                + ACCOUNT
                                + ":targetgroup/"
                                + n
                                + "/"
                                + Integer.toHexString(n.hashCode()));
    }

    /** A listener rule (or listener) forwarding plainly to {@code group}. */
    public synchronized void route(String arn, String group) {
        Route route = new Route();
        route.plainTargetGroup = targetGroup(group);
        routes.put(arn, route);
    }

    public synchronized void autoScalingGroup(
            String name, String targetGroupName, int min, int desired, int max) {
        Group group = new Group();
        group.min = min;
        group.max = max;
        group.targetGroup = targetGroup(targetGroupName);
        groups.put(name, group);
        resize(group, desired, 0);
    }

    public synchronized Group group(String name) {
        return groups.get(name);
    }

    public synchronized Map<String, Integer> weights(String routeArn) {
        Route route = routes.get(routeArn);
        if (route.plainTargetGroup != null) {
            return Map.of(route.plainTargetGroup, 1);
        }
        return new LinkedHashMap<>(route.weights);
    }

    public synchronized Map<String, String> tagsOf(String arn) {
        return new TreeMap<>(tags.getOrDefault(arn, Map.of()));
    }

    public synchronized void ecsService(
            String cluster, String service, String container, String image) {
        ObjectNode td = JSON.createObjectNode();
        td.put("family", service);
        td.put("taskRoleArn", "arn:aws:iam::" + ACCOUNT + ":role/" + service + "-task");
        td.put("executionRoleArn", "arn:aws:iam::" + ACCOUNT + ":role/ecsTaskExecutionRole");
        td.put("networkMode", "awsvpc");
        ArrayNode containers = td.putArray("containerDefinitions");
        ObjectNode sidecar = containers.addObject();
        sidecar.put("name", "log-router");
        sidecar.put("image", "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable");
        sidecar.put("essential", true);
        ObjectNode app = containers.addObject();
        app.put("name", container);
        app.put("image", image);
        app.put("cpu", 256);
        app.put("memory", 512);
        app.put("essential", true);
        app.putArray("portMappings").addObject().put("containerPort", 8080).put("protocol", "tcp");
        app.putArray("environment").addObject().put("name", "MODE").put("value", "production");
        td.putArray("requiresCompatibilities").add("FARGATE");
        td.put("cpu", "512");
        td.put("memory", "1024");
        String arn = registerTaskDefinition(td);
        EcsService s = new EcsService();
        s.arn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":service/" + cluster + "/" + service;
        s.taskDefinition = arn;
        s.deployments.add(deployment(arn, "PRIMARY", "COMPLETED", s.desiredCount));
        services.put(cluster + "/" + service, s);
    }

    public synchronized EcsService ecs(String cluster, String service) {
        return services.get(cluster + "/" + service);
    }

    public synchronized ObjectNode taskDefinition(String arn) {
        return taskDefinitions.get(arn);
    }

    // ----- the wire
    // -------------------------------------------------------------------------------------------

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String authorization = request.getHeader("Authorization");
        Matcher scope = SCOPE.matcher(authorization == null ? "" : authorization);
        String key = scope.find() ? scope.group(1) : null;
        String service = scope.group(3);
        try {
            String target = request.getHeader("X-Amz-Target");
            if (target != null && !target.isBlank()) {
                String action = target.substring(target.indexOf('.') + 1);
                JsonNode body = JSON.readTree(request.getBodyAsString());
                calls.add(new Call(service, action, Map.of(), body, key));
                Failure failure = nextFailure(action);
                if (failure != null) {
                    return json(
                            failure.status(),
                            JSON.createObjectNode()
                                    .put("__type", failure.code())
                                    .put("message", failure.message()));
                }
                try {
                    if ("ecs".equals(service)) {
                        return json(200, ecs(action, body));
                    }
                } catch (ClientError e) {
                    return json(
                            400,
                            JSON.createObjectNode()
                                    .put("__type", e.code)
                                    .put("message", e.getMessage()));
                }
                return switch (service) {
                    case "ecr" -> ecr(action, body);
                    default ->
                            json(
                                    400,
                                    JSON.createObjectNode()
                                            .put("__type", "UnknownOperationException"));
                };
            }
            Map<String, String> form = form(request.getBodyAsString());
            String action = form.remove("Action");
            form.remove("Version");
            calls.add(new Call(service, action, form, null, key));
            Failure failure = nextFailure(action);
            if (failure != null) {
                return xml(
                        failure.status(),
                        "<ErrorResponse><Error><Type>Sender</Type><Code>"
                                + failure.code()
                                + "</Code><Message>"
                                + escape(failure.message())
                                + "</Message></Error>"
                                + "<RequestId>fake</RequestId></ErrorResponse>");
            }
            String result =
                    switch (service) {
                        case "elasticloadbalancing" -> elb(action, form);
                        case "autoscaling" -> autoScaling(action, form);
                        case "sts" -> sts(action, form);
                        default -> throw new IllegalArgumentException("no such service " + service);
                    };
            if (result.startsWith("<ErrorResponse>")) {
                return xml(400, result);
            }
            return xml(
                    200,
                    "<"
                            + action
                            + "Response><"
                            + action
                            + "Result>"
                            + result
                            + "</"
                            + action
                            + "Result>"
                            + "<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></"
                            + action
                            + "Response>");
        } catch (Exception e) {
            return new ResponseDefinitionBuilder().withStatus(500).withBody("fake: " + e).build();
        }
    }

    private Failure nextFailure(String action) {
        Deque<Failure> queue = failures.get(action);
        return queue == null ? null : queue.poll();
    }

    // ----- ELBv2
    // --------------------------------------------------------------------------------------------

    private String elb(String action, Map<String, String> form) {
        switch (action) {
            case "DescribeRules":
                {
                    StringBuilder xml = new StringBuilder("<Rules>");
                    for (String arn : members(form, "RuleArns")) {
                        Route route = routes.get(arn);
                        if (route == null) {
                            return error("RuleNotFound", "One or more rules not found");
                        }
                        xml.append("<member><RuleArn>")
                                .append(arn)
                                .append("</RuleArn><Priority>10</Priority>")
                                .append("<IsDefault>false</IsDefault><Actions>")
                                .append(actions(route))
                                .append("</Actions><Conditions/></member>");
                    }
                    return xml.append("</Rules>").toString();
                }
            case "DescribeListeners":
                {
                    StringBuilder xml = new StringBuilder("<Listeners>");
                    for (String arn : members(form, "ListenerArns")) {
                        Route route = routes.get(arn);
                        if (route == null) {
                            return error("ListenerNotFound", "One or more listeners not found");
                        }
                        xml.append("<member><ListenerArn>")
                                .append(arn)
                                .append("</ListenerArn><Port>443</Port>")
                                .append("<Protocol>HTTPS</Protocol><DefaultActions>")
                                .append(actions(route))
                                .append("</DefaultActions></member>");
                    }
                    return xml.append("</Listeners>").toString();
                }
            case "ModifyRule", "ModifyListener":
                {
                    String arn = form.getOrDefault("RuleArn", form.get("ListenerArn"));
                    String prefix =
                            action.equals("ModifyRule")
                                    ? "Actions.member.1."
                                    : "DefaultActions.member.1.";
                    Route route = new Route();
                    if (form.containsKey(prefix + "TargetGroupArn")) {
                        route.plainTargetGroup = form.get(prefix + "TargetGroupArn");
                    }
                    for (int i = 1;
                            form.containsKey(
                                    prefix
                                            + "ForwardConfig.TargetGroups.member."
                                            + i
                                            + ".TargetGroupArn");
                            i++) {
                        String p = prefix + "ForwardConfig.TargetGroups.member." + i + ".";
                        route.weights.put(
                                form.get(p + "TargetGroupArn"),
                                Integer.parseInt(form.get(p + "Weight")));
                    }
                    routes.put(arn, route);
                    return "";
                }
            case "DescribeTags":
                {
                    StringBuilder xml = new StringBuilder("<TagDescriptions>");
                    for (String arn : members(form, "ResourceArns")) {
                        xml.append("<member><ResourceArn>")
                                .append(arn)
                                .append("</ResourceArn><Tags>");
                        tags.getOrDefault(arn, Map.of())
                                .forEach(
                                        (k, v) ->
                                                xml.append("<member><Key>")
                                                        .append(escape(k))
                                                        .append("</Key><Value>")
                                                        .append(escape(v))
                                                        .append("</Value></member>"));
                        xml.append("</Tags></member>");
                    }
                    return xml.append("</TagDescriptions>").toString();
                }
            case "AddTags":
                {
                    for (String arn : members(form, "ResourceArns")) {
                        Map<String, String> t =
                                tags.computeIfAbsent(arn, a -> new LinkedHashMap<>());
                        for (int i = 1; form.containsKey("Tags.member." + i + ".Key"); i++) {
                            t.put(
                                    form.get("Tags.member." + i + ".Key"),
                                    form.get("Tags.member." + i + ".Value"));
                        }
                    }
                    return "";
                }
            case "RemoveTags":
                {
                    for (String arn : members(form, "ResourceArns")) {
                        members(form, "TagKeys")
                                .forEach(k -> tags.getOrDefault(arn, new HashMap<>()).remove(k));
                    }
                    return "";
                }
            case "DescribeTargetGroups":
                {
                    StringBuilder xml = new StringBuilder("<TargetGroups>");
                    List<String> names = new ArrayList<>(members(form, "Names"));
                    for (String arn : members(form, "TargetGroupArns")) {
                        names.add(
                                targetGroups.entrySet().stream()
                                        .filter(e -> e.getValue().equals(arn))
                                        .map(Map.Entry::getKey)
                                        .findFirst()
                                        .orElse("unknown-" + arn));
                    }
                    for (String name : names) {
                        String arn = targetGroups.get(name);
                        if (arn == null) {
                            return error(
                                    "TargetGroupNotFound", "One or more target groups not found");
                        }
                        xml.append("<member><TargetGroupArn>")
                                .append(arn)
                                .append("</TargetGroupArn><TargetGroupName>")
                                .append(name)
                                .append(
                                        "</TargetGroupName><Protocol>HTTP</Protocol><Port>8080</Port>")
                                .append("<HealthCheckPath>/health</HealthCheckPath></member>");
                    }
                    return xml.append("</TargetGroups>").toString();
                }
            case "DescribeTargetHealth":
                {
                    String arn = form.get("TargetGroupArn");
                    boolean used = routes.values().stream().anyMatch(r -> r.references(arn));
                    StringBuilder xml = new StringBuilder("<TargetHealthDescriptions>");
                    for (Group group : groups.values()) {
                        if (!arn.equals(group.targetGroup)) {
                            continue;
                        }
                        for (Instance instance : group.instances) {
                            String state;
                            if (!used) {
                                state = "unused";
                            } else if (instance.checksUntilHealthy > 0) {
                                instance.checksUntilHealthy--;
                                state = "initial";
                            } else {
                                state = instance.healthy ? "healthy" : "unhealthy";
                            }
                            xml.append("<member><Target><Id>")
                                    .append(instance.id)
                                    .append("</Id><Port>8080</Port>")
                                    .append("</Target><TargetHealth><State>")
                                    .append(state)
                                    .append("</State></TargetHealth></member>");
                        }
                    }
                    return xml.append("</TargetHealthDescriptions>").toString();
                }
            default:
                return error("InvalidAction", "fake ELB does not know " + action);
        }
    }

    private static String actions(Route route) {
        StringBuilder xml = new StringBuilder("<member><Type>forward</Type><Order>1</Order>");
        if (route.plainTargetGroup != null) {
            xml.append("<TargetGroupArn>")
                    .append(route.plainTargetGroup)
                    .append("</TargetGroupArn>");
        } else {
            xml.append("<ForwardConfig><TargetGroups>");
            route.weights.forEach(
                    (group, weight) ->
                            xml.append("<member><TargetGroupArn>")
                                    .append(group)
                                    .append("</TargetGroupArn><Weight>")
                                    .append(weight)
                                    .append("</Weight></member>"));
            xml.append("</TargetGroups><TargetGroupStickinessConfig><Enabled>false</Enabled>")
                    .append("</TargetGroupStickinessConfig></ForwardConfig>");
        }
        return xml.append("</member>").toString();
    }

    // ----- Auto Scaling
    // -------------------------------------------------------------------------------------

    private String autoScaling(String action, Map<String, String> form) {
        switch (action) {
            case "DescribeAutoScalingGroups":
                {
                    StringBuilder xml = new StringBuilder("<AutoScalingGroups>");
                    for (String name : members(form, "AutoScalingGroupNames")) {
                        Group group = groups.get(name);
                        if (group == null) {
                            continue; // AWS answers an empty list for unknown names
                        }
                        xml.append("<member><AutoScalingGroupName>")
                                .append(name)
                                .append("</AutoScalingGroupName>")
                                .append("<MinSize>")
                                .append(group.min)
                                .append("</MinSize><MaxSize>")
                                .append(group.max)
                                .append("</MaxSize><DesiredCapacity>")
                                .append(group.desired)
                                .append("</DesiredCapacity><TargetGroupARNs><member>")
                                .append(group.targetGroup)
                                .append("</member></TargetGroupARNs><Instances>");
                        for (Instance instance : group.instances) {
                            xml.append("<member><InstanceId>")
                                    .append(instance.id)
                                    .append("</InstanceId>")
                                    .append("<AvailabilityZone>eu-west-1a</AvailabilityZone>")
                                    .append(
                                            "<LifecycleState>InService</LifecycleState><HealthStatus>")
                                    .append(instance.healthy ? "Healthy" : "Unhealthy")
                                    .append("</HealthStatus></member>");
                        }
                        xml.append("</Instances></member>");
                    }
                    return xml.append("</AutoScalingGroups>").toString();
                }
            case "UpdateAutoScalingGroup":
                {
                    Group group = groups.get(form.get("AutoScalingGroupName"));
                    if (group == null) {
                        return error("ValidationError", "AutoScalingGroup name not found");
                    }
                    if (form.containsKey("MinSize")) {
                        group.min = Integer.parseInt(form.get("MinSize"));
                    }
                    if (form.containsKey("MaxSize")) {
                        group.max = Integer.parseInt(form.get("MaxSize"));
                    }
                    if (form.containsKey("DesiredCapacity")) {
                        resize(group, Integer.parseInt(form.get("DesiredCapacity")), warmupChecks);
                    }
                    return "";
                }
            default:
                return error("InvalidAction", "fake Auto Scaling does not know " + action);
        }
    }

    private void resize(Group group, int desired, int warmup) {
        group.desired = desired;
        while (group.instances.size() > desired) {
            group.instances.remove(group.instances.size() - 1);
        }
        while (group.instances.size() < desired) {
            group.instances.add(new Instance(String.format("i-%017x", nextInstance++), warmup));
        }
    }

    // ----- STS
    // ------------------------------------------------------------------------------------------------

    private String sts(String action, Map<String, String> form) {
        if (!"AssumeRole".equals(action)) {
            return error("InvalidAction", "fake STS does not know " + action);
        }
        return "<Credentials><AccessKeyId>ASIAFAKEASSUMEDROLE1</AccessKeyId>"
                + "<SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-session-token</SessionToken>"
                + "<Expiration>"
                + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                + "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::"
                + ACCOUNT
                + ":assumed-role/deployer/"
                + form.get("RoleSessionName")
                + "</Arn>"
                + "<AssumedRoleId>AROAFAKEROLEID:"
                + form.get("RoleSessionName")
                + "</AssumedRoleId>"
                + "</AssumedRoleUser>";
    }

    // ----- ECS
    // ------------------------------------------------------------------------------------------------

    private JsonNode ecs(String action, JsonNode body) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        switch (action) {
            case "DescribeServices" -> {
                ArrayNode list = out.putArray("services");
                ArrayNode missing = out.putArray("failures");
                String cluster = body.path("cluster").asText();
                for (JsonNode name : body.path("services")) {
                    EcsService s = services.get(cluster + "/" + name.asText());
                    if (s == null) {
                        missing.addObject()
                                .put(
                                        "arn",
                                        "arn:aws:ecs:"
                                                + REGION
                                                + ":"
                                                + ACCOUNT
                                                + ":service/"
                                                + cluster
                                                + "/"
                                                + name.asText())
                                .put("reason", "MISSING");
                        continue;
                    }
                    progress(s);
                    list.add(service(s));
                }
            }
            case "DescribeTaskDefinition" -> {
                ObjectNode td = taskDefinitions.get(body.path("taskDefinition").asText());
                if (td == null) {
                    throw new ClientError("ClientException", "Unable to describe task definition.");
                }
                out.set("taskDefinition", td.deepCopy().without("tags"));
                out.set(
                        "tags",
                        td.path("tags").isMissingNode() ? JSON.createArrayNode() : td.get("tags"));
            }
            case "RegisterTaskDefinition" -> {
                ObjectNode td = ((ObjectNode) body).deepCopy();
                String arn = registerTaskDefinition(td);
                out.set("taskDefinition", taskDefinitions.get(arn).deepCopy().without("tags"));
            }
            case "UpdateService" -> {
                EcsService s =
                        services.get(
                                body.path("cluster").asText()
                                        + "/"
                                        + body.path("service").asText());
                if (s == null) {
                    throw new ClientError("ServiceNotFoundException", "Service not found.");
                }
                String td = body.path("taskDefinition").asText();
                if (!taskDefinitions.containsKey(td)) {
                    throw new ClientError("ClientException", "TaskDefinition not found.");
                }
                for (ObjectNode d : s.deployments) {
                    d.put("status", "ACTIVE");
                }
                s.taskDefinition = td;
                if (body.has("deploymentConfiguration")) {
                    s.deploymentConfiguration =
                            ((ObjectNode) body.get("deploymentConfiguration")).deepCopy();
                }
                s.deployments.add(0, deployment(td, "PRIMARY", "IN_PROGRESS", s.desiredCount));
                s.pollsLeft = rolloutPolls;
                out.set("service", service(s));
            }
            case "TagResource" -> {
                EcsService s = byArn(body.path("resourceArn").asText());
                body.path("tags")
                        .forEach(t -> s.tags.put(t.path("key").asText(), t.path("value").asText()));
            }
            case "UntagResource" -> {
                EcsService s = byArn(body.path("resourceArn").asText());
                body.path("tagKeys").forEach(k -> s.tags.remove(k.asText()));
            }
            default -> throw new ClientError("UnknownOperationException", action);
        }
        return out;
    }

    private void progress(EcsService s) {
        ObjectNode primary = s.deployments.get(0);
        if (!"IN_PROGRESS".equals(primary.path("rolloutState").asText())) {
            return;
        }
        if (s.pollsLeft-- > 0) {
            primary.put("runningCount", 1);
            return;
        }
        String image = imageOf(primary.path("taskDefinition").asText());
        if (failingImages.contains(image)) {
            primary.put("rolloutState", "FAILED");
            primary.put(
                    "rolloutStateReason", "ECS deployment circuit breaker: tasks failed to start.");
            primary.put("runningCount", 0);
            primary.put("failedTasks", 2);
            if (circuitBreakerRollback && s.deployments.size() > 1) {
                // ECS rolls back on its own: the previous revision becomes PRIMARY again.
                ObjectNode previous = s.deployments.get(1);
                primary.put("status", "ACTIVE");
                s.deployments.remove(previous);
                ObjectNode back =
                        deployment(
                                previous.path("taskDefinition").asText(),
                                "PRIMARY",
                                "IN_PROGRESS",
                                s.desiredCount);
                s.deployments.add(0, back);
                s.taskDefinition = previous.path("taskDefinition").asText();
                s.pollsLeft = rolloutPolls;
            }
            return;
        }
        primary.put("rolloutState", "COMPLETED");
        primary.put(
                "rolloutStateReason",
                "ECS deployment " + primary.path("id").asText() + " completed.");
        primary.put("runningCount", s.desiredCount);
        s.deployments.removeIf(d -> !"PRIMARY".equals(d.path("status").asText()));
    }

    private String imageOf(String taskDefinition) {
        for (JsonNode c : taskDefinitions.get(taskDefinition).path("containerDefinitions")) {
            if (!"log-router".equals(c.path("name").asText())) {
                return c.path("image").asText();
            }
        }
        return null;
    }

    private ObjectNode service(EcsService s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("serviceArn", s.arn);
        node.put("serviceName", s.arn.substring(s.arn.lastIndexOf('/') + 1));
        node.put("taskDefinition", s.taskDefinition);
        node.put("desiredCount", s.desiredCount);
        node.set("deploymentConfiguration", s.deploymentConfiguration.deepCopy());
        node.put("status", "ACTIVE");
        ArrayNode deployments = node.putArray("deployments");
        s.deployments.forEach(deployments::add);
        ArrayNode t = node.putArray("tags");
        s.tags.forEach((k, v) -> t.addObject().put("key", k).put("value", v));
        return node;
    }

    private ObjectNode deployment(
            String taskDefinition, String status, String rollout, int desired) {
        ObjectNode d = JSON.createObjectNode();
        d.put("id", "ecs-svc/" + nextDeployment++);
        d.put("status", status);
        d.put("taskDefinition", taskDefinition);
        d.put("desiredCount", desired);
        d.put("runningCount", "COMPLETED".equals(rollout) ? desired : 0);
        d.put("rolloutState", rollout);
        return d;
    }

    private EcsService byArn(String arn) {
        return services.values().stream()
                .filter(s -> s.arn.equals(arn))
                .findFirst()
                .orElseThrow(
                        () ->
                                new ClientError(
                                        "InvalidParameterException",
                                        "The specified resource is invalid"));
    }

    private String registerTaskDefinition(ObjectNode td) {
        String family = td.path("family").asText();
        int revision = revisions.merge(family, 1, Integer::sum);
        String arn =
                "arn:aws:ecs:"
                        + REGION
                        + ":"
                        + ACCOUNT
                        + ":task-definition/"
                        + family
                        + ":"
                        + revision;
        td.put("taskDefinitionArn", arn);
        td.put("revision", revision);
        td.put("status", "ACTIVE");
        taskDefinitions.put(arn, td);
        return arn;
    }

    // ----- ECR
    // ------------------------------------------------------------------------------------------------

    private ResponseDefinition ecr(String action, JsonNode body) {
        if (!"DescribeImages".equals(action)) {
            return json(400, JSON.createObjectNode().put("__type", "UnknownOperationException"));
        }
        String repository = body.path("repositoryName").asText();
        String tag = body.path("imageIds").path(0).path("imageTag").asText();
        if (images.stream().noneMatch(i -> i.startsWith(repository + ":"))) {
            return json(
                    400,
                    JSON.createObjectNode()
                            .put("__type", "RepositoryNotFoundException")
                            .put(
                                    "message",
                                    "The repository with name '"
                                            + repository
                                            + "' does not exist in the registry with id '"
                                            + body.path("registryId").asText()
                                            + "'"));
        }
        if (!images.contains(repository + ":" + tag)) {
            return json(
                    400,
                    JSON.createObjectNode()
                            .put("__type", "ImageNotFoundException")
                            .put(
                                    "message",
                                    "The image with imageId {imageDigest:'null', imageTag:'"
                                            + tag
                                            + "'} does not exist within the "
                                            + "repository with name '"
                                            + repository
                                            + "'"));
        }
        ObjectNode out = JSON.createObjectNode();
        out.putArray("imageDetails")
                .addObject()
                .put("registryId", ACCOUNT)
                .put("repositoryName", repository)
                .put("imageDigest", "sha256:" + "0".repeat(64))
                .putArray("imageTags")
                .add(tag);
        return json(200, out);
    }

    // ----- encoding
    // -----------------------------------------------------------------------------------------

    private static final class ClientError extends RuntimeException {
        final String code;

        ClientError(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private ResponseDefinition json(int status, JsonNode body) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", "fake")
                .withBody(body.toString())
                .build();
    }

    private static ResponseDefinition xml(int status, String body) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "text/xml")
                .withBody(body)
                .build();
    }

    private static String error(String code, String message) {
        return "<ErrorResponse><Error><Type>Sender</Type><Code>"
                + code
                + "</Code><Message>"
                + escape(message)
                + "</Message></Error><RequestId>fake</RequestId></ErrorResponse>";
    }

    private static List<String> members(Map<String, String> form, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 1; form.containsKey(name + ".member." + i); i++) {
            values.add(form.get(name + ".member." + i));
        }
        return values;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key =
                    URLDecoder.decode(
                            eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value =
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
