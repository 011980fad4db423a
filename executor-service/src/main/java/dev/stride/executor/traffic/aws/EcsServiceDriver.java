package dev.stride.executor.traffic.aws;

import static dev.stride.executor.traffic.aws.AwsErrors.call;

import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.RolloutInProgress;
import dev.stride.executor.traffic.TrafficAction;
import dev.stride.executor.traffic.TrafficDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * A new image on an ECS service, as the runbook's CI workflow does it: copy the service's current task definition
 * with only the target container's image replaced (the workflow's jq step), register it as a new revision, update
 * the service, and wait until the deployment's rolloutState is COMPLETED (or FAILED, e.g. by the deployment
 * circuit breaker) within {@code progressDeadline}. Before the first write the image must exist in ECR (when it
 * is an ECR image).
 *
 * <p>ECS has no traffic weights: the read-back reports the new version at 100% once the service runs the release's
 * task definition, 0% while it runs the stable one. The stable task definition and the release are kept in tags on
 * the service ({@code stride:stable-task-definition}, {@code stride:release}) before the service changes, so a
 * rollback, also after a restart, puts exactly that task definition back, waits again, and removes the tags.
 * FINALIZE marks the release {@code stride:finalized}; the next release (even of the same image) first removes
 * the finished one's tags, so its rollback never undoes the release before it.
 */
public final class EcsServiceDriver implements TrafficDriver<AwsEcsTarget> {

    private static final Logger LOG = Logger.getLogger(EcsServiceDriver.class);
    static final String RELEASE = "stride:release";
    static final String STABLE_TASK_DEFINITION = "stride:stable-task-definition";
    static final String FINALIZED = "stride:finalized";

    /** The task definition this release runs: a repeat of the ROLLOUT only checks its progress. */
    static final String RELEASE_TASK_DEFINITION = "stride:release-task-definition";

    private final AwsClients clients;
    private final Duration progressDeadline;
    private final Duration pollInterval;

    public EcsServiceDriver(AwsClients clients, Duration progressDeadline, Duration pollInterval) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.progressDeadline = Objects.requireNonNull(progressDeadline, "progressDeadline");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    @Override
    public Class<AwsEcsTarget> targetType() {
        return AwsEcsTarget.class;
    }

    @Override
    public String endpoint(AwsEcsTarget ecs) {
        return AwsClients.endpoint(ecs.region(), ecs.roleArn());
    }

    @Override
    public void apply(AwsEcsTarget target, TrafficAction action) throws PlatformException {
        AwsEcsTarget ecs = ecs(target);
        action.dispatch(
                new TrafficAction.Handler() {
                    @Override
                    public void roll(TrafficAction.Roll roll) throws PlatformException {
                        deploy(ecs, roll);
                    }

                    @Override
                    public void completeRollout(TrafficAction.CompleteRollout complete)
                            throws PlatformException {
                        finish(ecs, complete.release().artifact());
                    }

                    @Override
                    public void restore(TrafficAction.Restore restore) throws PlatformException {
                        restoreStable(ecs);
                    }

                    @Override
                    public void setWeight(TrafficAction.SetWeight set) throws PlatformException {
                        throw new PlatformException(
                                "aws-ecs deploys with a rolling update (one ROLLOUT phase), not TRAFFIC"
                                        + " phases; weighted traffic needs an aws-alb target",
                                false);
                    }

                    @Override
                    public void promote(TrafficAction.Promote promote) throws PlatformException {
                        throw notFinalizing("promote-canary");
                    }

                    @Override
                    public void activateColour(TrafficAction.ActivateColour activate)
                            throws PlatformException {
                        throw notFinalizing("activate-new-colour");
                    }
                });
    }

    private static PlatformException notFinalizing(String action) {
        return new PlatformException(
                "aws-ecs finalizes rolling updates (complete-rollout), not " + action, false);
    }

    // FINALIZE: the rollout finished in its ROLLOUT phase; finalize only checks the service still
    // runs it.
    private void finish(AwsEcsTarget ecs, String artifact) throws PlatformException {
        Service service = service(ecs);
        String image = image(ecs, taskDefinition(ecs, service.taskDefinition()));
        if (!artifact.equals(image)) {
            throw new PlatformException(
                    describe(ecs) + " runs " + image + ", not the release " + artifact, false);
        }
        Map<String, String> tags = tags(service);
        if (artifact.equals(tags.get(RELEASE)) && !tags.containsKey(FINALIZED)) {
            EcsClient client = clients(ecs).ecs();
            call(
                    "ECS TagResource " + describe(ecs),
                    () ->
                            client.tagResource(
                                    r ->
                                            r.resourceArn(service.serviceArn())
                                                    .tags(
                                                            Tag.builder()
                                                                    .key(FINALIZED)
                                                                    .value("true")
                                                                    .build())));
        }
    }

    @Override
    public LiveState read(AwsEcsTarget target) throws PlatformException {
        AwsEcsTarget ecs = ecs(target);
        Service service = service(ecs);
        String image = image(ecs, taskDefinition(ecs, service.taskDefinition()));
        String stable = tags(service).get(STABLE_TASK_DEFINITION);
        boolean released = stable != null && !stable.equals(service.taskDefinition());
        return new LiveState(
                Map.of(LiveState.STABLE, released ? 0 : 100, LiveState.CANARY, released ? 100 : 0),
                Map.of(released ? LiveState.CANARY : LiveState.STABLE, image));
    }

    private void restoreStable(AwsEcsTarget ecs) throws PlatformException {
        Service service = service(ecs);
        String stable = tags(service).get(STABLE_TASK_DEFINITION);
        if (stable == null) {
            return; // no release on this service
        }
        if (!stable.equals(service.taskDefinition())) {
            update(ecs, stable, null);
            service = service(ecs);
        }
        awaitRollout(ecs, service, stable);
        untag(ecs, service);
    }

    private void untag(AwsEcsTarget ecs, Service service) throws PlatformException {
        EcsClient client = clients(ecs).ecs();
        call(
                "ECS UntagResource " + describe(ecs),
                () ->
                        client.untagResource(
                                r ->
                                        r.resourceArn(service.serviceArn())
                                                .tagKeys(
                                                        RELEASE,
                                                        STABLE_TASK_DEFINITION,
                                                        FINALIZED,
                                                        RELEASE_TASK_DEFINITION)));
    }

    private void deploy(AwsEcsTarget ecs, TrafficAction.Roll roll) throws PlatformException {
        String artifact = roll.release().artifact();
        Service service = service(ecs);
        Map<String, String> tags = tags(service);
        if (tags.containsKey(RELEASE)
                && (!artifact.equals(tags.get(RELEASE)) || tags.containsKey(FINALIZED))) {
            // An earlier release's tags go first (the service itself is untouched): a rollback of
            // this release,
            // should it fail before its own tags are written, must not undo the one before it.
            untag(ecs, service);
            tags = Map.of();
        }
        String releaseTaskDefinition =
                artifact.equals(tags.get(RELEASE)) ? tags.get(RELEASE_TASK_DEFINITION) : null;
        if (releaseTaskDefinition != null) {
            // A repeat (the executor checking the rollout again, or taking the phase up after a
            // restart): this
            // release's own task definition is only checked, never registered or deployed again,
            // unless it never
            // reached the service (a crash between tagging and updating).
            boolean reached =
                    releaseTaskDefinition.equals(service.taskDefinition())
                            || service.deployments().stream()
                                    .anyMatch(
                                            d -> releaseTaskDefinition.equals(d.taskDefinition()));
            if (!reached) {
                update(ecs, releaseTaskDefinition, rolling(service, roll));
                service = service(ecs);
            }
            awaitRollout(ecs, service, releaseTaskDefinition);
            return;
        }
        String stable =
                artifact.equals(tags.get(RELEASE)) && tags.containsKey(STABLE_TASK_DEFINITION)
                        ? tags.get(STABLE_TASK_DEFINITION)
                        : service.taskDefinition();
        var ecrImage = EcrImages.parse(artifact);
        if (ecrImage.isPresent()) {
            EcrImages.requireExists(
                    clients.forTarget(ecrImage.get().region(), ecs.roleArn()).ecr(),
                    ecrImage.get());
        }
        DescribeTaskDefinitionResponse current = taskDefinition(ecs, service.taskDefinition());
        String release = service.taskDefinition();
        if (!artifact.equals(image(ecs, current))) {
            release = register(ecs, current, artifact);
        }
        String stableArn = stable;
        String releaseArn = release;
        String serviceArn = service.serviceArn();
        EcsClient client = clients(ecs).ecs();
        call(
                "ECS TagResource " + describe(ecs),
                () ->
                        client.tagResource(
                                r ->
                                        r.resourceArn(serviceArn)
                                                .tags(
                                                        Tag.builder()
                                                                .key(RELEASE)
                                                                .value(artifact)
                                                                .build(),
                                                        Tag.builder()
                                                                .key(STABLE_TASK_DEFINITION)
                                                                .value(stableArn)
                                                                .build(),
                                                        Tag.builder()
                                                                .key(RELEASE_TASK_DEFINITION)
                                                                .value(releaseArn)
                                                                .build())));
        if (!release.equals(service.taskDefinition())) {
            update(ecs, release, rolling(service, roll));
        }
        awaitRollout(ecs, service(ecs), release);
    }

    /** Registers a copy of {@code current} with only the target container's image replaced; returns its ARN. */
    @SuppressWarnings(
            "deprecation") // inferenceAccelerators: deprecated by AWS, still copied so nothing else
    // changes
    private String register(AwsEcsTarget ecs, DescribeTaskDefinitionResponse current, String image)
            throws PlatformException {
        TaskDefinition td = current.taskDefinition();
        String container = container(ecs, td).name();
        List<ContainerDefinition> containers = new ArrayList<>();
        for (ContainerDefinition definition : td.containerDefinitions()) {
            containers.add(
                    definition.name().equals(container)
                            ? definition.toBuilder().image(image).build()
                            : definition);
        }
        RegisterTaskDefinitionRequest.Builder copy =
                RegisterTaskDefinitionRequest.builder()
                        .family(td.family())
                        .taskRoleArn(td.taskRoleArn())
                        .executionRoleArn(td.executionRoleArn())
                        .networkMode(td.networkModeAsString())
                        .containerDefinitions(containers)
                        .cpu(td.cpu())
                        .memory(td.memory())
                        .pidMode(td.pidModeAsString())
                        .ipcMode(td.ipcModeAsString())
                        .proxyConfiguration(td.proxyConfiguration())
                        .ephemeralStorage(td.ephemeralStorage())
                        .runtimePlatform(td.runtimePlatform())
                        .enableFaultInjection(td.enableFaultInjection());
        if (td.hasVolumes()) {
            copy.volumes(td.volumes());
        }
        if (td.hasPlacementConstraints()) {
            copy.placementConstraints(td.placementConstraints());
        }
        if (td.hasRequiresCompatibilities()) {
            copy.requiresCompatibilitiesWithStrings(td.requiresCompatibilitiesAsStrings());
        }
        if (td.hasInferenceAccelerators()) {
            copy.inferenceAccelerators(td.inferenceAccelerators());
        }
        if (current.hasTags() && !current.tags().isEmpty()) {
            copy.tags(current.tags());
        }
        RegisterTaskDefinitionRequest request = copy.build();
        EcsClient client = clients(ecs).ecs();
        String arn =
                call(
                        "ECS RegisterTaskDefinition " + td.family(),
                        () ->
                                client.registerTaskDefinition(request)
                                        .taskDefinition()
                                        .taskDefinitionArn());
        LOG.infof(
                "Registered %s for %s: %s with %s",
                AwsNames.shortArn(arn), describe(ecs), container, image);
        return arn;
    }

    /**
     * Points the service at {@code taskDefinition}; with {@code rolling} (a release) also sets how ECS rolls it, a
     * rollback leaves the service's deployment configuration as it is.
     */
    private void update(AwsEcsTarget ecs, String taskDefinition, DeploymentConfiguration rolling)
            throws PlatformException {
        EcsClient client = clients(ecs).ecs();
        call(
                "ECS UpdateService " + describe(ecs),
                () ->
                        client.updateService(
                                r -> {
                                    r.cluster(ecs.cluster())
                                            .service(ecs.service())
                                            .taskDefinition(taskDefinition);
                                    if (rolling != null) {
                                        r.deploymentConfiguration(rolling);
                                    }
                                }));
    }

    /**
     * The service's deployment configuration with the request's {@code batch_size} and {@code max_unavailable} as
     * ECS takes them: percentages of the desired count, {@code maximumPercent} rounded down and {@code
     * minimumHealthyPercent} rounded up by ECS. These are the percentages that give exactly {@code desired +
     * batch_size} tasks at most and {@code desired - max_unavailable} healthy at least; above 100 tasks whole
     * percentages cannot always say it exactly, and the surge and the tasks down may each be up to 1% of the
     * desired count more. Everything else (circuit breaker, alarms) is kept. A service with no desired tasks keeps
     * its configuration: there is nothing to roll.
     */
    static DeploymentConfiguration rolling(Service service, TrafficAction.Roll roll) {
        int desired = service.desiredCount() == null ? 0 : service.desiredCount();
        if (desired <= 0) {
            return null;
        }
        int[] percents = rollingPercents(desired, roll.batchSize(), roll.maxUnavailable());
        DeploymentConfiguration current = service.deploymentConfiguration();
        DeploymentConfiguration.Builder builder =
                current == null ? DeploymentConfiguration.builder() : current.toBuilder();
        return builder.maximumPercent(percents[0]).minimumHealthyPercent(percents[1]).build();
    }

    /** {maximumPercent, minimumHealthyPercent} for {@code desired} tasks (at least 1); see {@link #rolling}. */
    static int[] rollingPercents(int desired, int batchSize, int maxUnavailable) {
        long surge = Math.max(1, batchSize);
        long down = Math.min(Math.max(0, maxUnavailable), desired);
        int maximum = (int) Math.min(Integer.MAX_VALUE, ceilDiv((desired + surge) * 100, desired));
        int minimum = (int) (((desired - down) * 100) / desired);
        return new int[] {maximum, minimum};
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /**
     * Checks that the service's PRIMARY deployment runs {@code taskDefinition} with rolloutState COMPLETED; fails at
     * FAILED (the circuit breaker's reason in the message); otherwise the rollout is in progress and the executor
     * checks again after the poll interval (a durable re-check, no thread waits), until the progress deadline.
     */
    private void awaitRollout(AwsEcsTarget ecs, Service service, String taskDefinition)
            throws PlatformException {
        var primary =
                service.deployments().stream()
                        .filter(d -> "PRIMARY".equals(d.status()))
                        .findFirst();
        // The circuit breaker with rollback on starts a new PRIMARY deployment of the previous
        // revision and leaves
        // ours FAILED: report ours.
        var failed =
                service.deployments().stream()
                        .filter(
                                d ->
                                        taskDefinition.equals(d.taskDefinition())
                                                && "FAILED".equals(d.rolloutStateAsString()))
                        .findFirst();
        if (failed.isPresent()) {
            throw new PlatformException(
                    "ECS deployment "
                            + failed.get().id()
                            + " of "
                            + describe(ecs)
                            + " FAILED: "
                            + AwsErrors.scrub(failed.get().rolloutStateReason()),
                    false);
        }
        if (primary.isEmpty() || !taskDefinition.equals(primary.get().taskDefinition())) {
            throw new PlatformException(
                    describe(ecs)
                            + " is now deploying "
                            + primary.map(d -> AwsNames.shortArn(d.taskDefinition()))
                                    .orElse("nothing")
                            + ", not "
                            + AwsNames.shortArn(taskDefinition)
                            + ": someone else changed it",
                    false);
        }
        var deployment = primary.get();
        String state = deployment.rolloutStateAsString();
        if ("COMPLETED".equals(state)
                || (state == null
                        && service.deployments().size() == 1
                        && Objects.equals(deployment.runningCount(), deployment.desiredCount()))) {
            return;
        }
        throw new RolloutInProgress(
                "ECS deployment "
                        + deployment.id()
                        + " of "
                        + describe(ecs)
                        + " is rolling out ("
                        + deployment.runningCount()
                        + " of "
                        + deployment.desiredCount()
                        + " tasks running)",
                pollInterval,
                progressDeadline);
    }

    private Service service(AwsEcsTarget ecs) throws PlatformException {
        EcsClient client = clients(ecs).ecs();
        DescribeServicesResponse response =
                call(
                        "ECS DescribeServices " + describe(ecs),
                        () ->
                                client.describeServices(
                                        r ->
                                                r.cluster(ecs.cluster())
                                                        .services(ecs.service())
                                                        .include(ServiceField.TAGS)));
        if (!response.services().isEmpty()) {
            return response.services().get(0);
        }
        String reason =
                response.failures().isEmpty() ? "not found" : response.failures().get(0).reason();
        throw new PlatformException(
                describe(ecs) + ": " + ("MISSING".equals(reason) ? "no such service" : reason),
                false);
    }

    private DescribeTaskDefinitionResponse taskDefinition(AwsEcsTarget ecs, String arn)
            throws PlatformException {
        EcsClient client = clients(ecs).ecs();
        return call(
                "ECS DescribeTaskDefinition " + AwsNames.shortArn(arn),
                () ->
                        client.describeTaskDefinition(
                                r -> r.taskDefinition(arn).include(TaskDefinitionField.TAGS)));
    }

    private String image(AwsEcsTarget ecs, DescribeTaskDefinitionResponse td)
            throws PlatformException {
        return container(ecs, td.taskDefinition()).image();
    }

    private static ContainerDefinition container(AwsEcsTarget ecs, TaskDefinition td)
            throws PlatformException {
        List<ContainerDefinition> containers = td.containerDefinitions();
        if (ecs.container() == null || ecs.container().isBlank()) {
            if (containers.size() == 1) {
                return containers.get(0);
            }
            throw new PlatformException(
                    AwsNames.shortArn(td.taskDefinitionArn())
                            + " has "
                            + containers.size()
                            + " containers: the target must name the one to release",
                    false);
        }
        return containers.stream()
                .filter(c -> ecs.container().equals(c.name()))
                .findFirst()
                .orElseThrow(
                        () ->
                                new PlatformException(
                                        AwsNames.shortArn(td.taskDefinitionArn())
                                                + " has no container "
                                                + ecs.container(),
                                        false));
    }

    private static Map<String, String> tags(Service service) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (service.hasTags()) {
            service.tags().forEach(t -> tags.put(t.key(), t.value()));
        }
        return tags;
    }

    private AwsClients.Clients clients(AwsEcsTarget ecs) throws PlatformException {
        return clients.forTarget(ecs.region(), ecs.roleArn());
    }

    private static String describe(AwsEcsTarget ecs) {
        return "ECS service " + ecs.service() + " in cluster " + AwsNames.shortArn(ecs.cluster());
    }

    private static AwsEcsTarget ecs(AwsEcsTarget ecs) throws PlatformException {
        if (ecs.cluster() == null || ecs.service() == null) {
            throw new PlatformException("an aws-ecs target needs cluster and service", false);
        }
        return ecs;
    }
}
