package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;

import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.RolloutInProgress;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a Deployment's rollout the way {@code kubectl rollout status} does: the controller has seen the latest spec
 * (observedGeneration), every replica runs the new template (updated == replicas, no old ones left) and is
 * available. It never waits on a thread: a rollout still under way is {@link RolloutInProgress}, and the executor
 * calls again after {@code recheckAfter}, until its progress deadline. The Deployment's own
 * {@code ProgressDeadlineExceeded} fails at once.
 */
final class RolloutProgress {

    private final KubernetesClient client;
    private final Duration deadline;
    private final Duration recheckAfter;

    RolloutProgress(KubernetesClient client, Duration deadline, Duration recheckAfter) {
        this.client = Objects.requireNonNull(client, "client");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.recheckAfter = Objects.requireNonNull(recheckAfter, "recheckAfter");
    }

    /** Returns the Deployment once it is rolled out; fails when it stalled or is gone; else in progress. */
    Deployment await(String namespace, String name) throws PlatformException {
        String what = "deployment " + namespace + "/" + name;
        Deployment now =
                call(
                        "reading " + what,
                        () ->
                                client.apps()
                                        .deployments()
                                        .inNamespace(namespace)
                                        .withName(name)
                                        .get());
        if (now == null) {
            throw new PlatformException(what + " was deleted during its rollout", false);
        }
        if (isComplete(now)) {
            return now;
        }
        Optional<String> stalled = stalled(now);
        if (stalled.isPresent()) {
            throw new PlatformException(what + " stalled: " + stalled.get(), false);
        }
        throw new RolloutInProgress(
                what + " is rolling out: " + describe(now), recheckAfter, deadline);
    }

    static boolean isComplete(Deployment d) {
        DeploymentStatus status = d.getStatus();
        if (status == null) {
            return false;
        }
        long generation =
                d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed =
                status.getObservedGeneration() == null ? -1 : status.getObservedGeneration();
        int wanted = replicas(d);
        return observed >= generation
                && count(status.getUpdatedReplicas()) == wanted
                && count(status.getReplicas()) == wanted
                && count(status.getAvailableReplicas()) == wanted;
    }

    static int replicas(Deployment d) {
        // The API server defaults spec.replicas to 1; an object read back without it means the
        // same.
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    private static Optional<String> stalled(Deployment d) {
        if (d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream()
                .filter(
                        c ->
                                "Progressing".equals(c.getType())
                                        && "False".equals(c.getStatus())
                                        && "ProgressDeadlineExceeded".equals(c.getReason()))
                .map(DeploymentCondition::getMessage)
                .map(m -> m == null ? "ProgressDeadlineExceeded" : m)
                .findFirst();
    }

    private static String describe(Deployment d) {
        if (d == null) {
            return "it no longer exists";
        }
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        return count(s.getUpdatedReplicas())
                + " of "
                + replicas(d)
                + " replicas updated, "
                + count(s.getAvailableReplicas())
                + " available, "
                + count(s.getReplicas())
                + " running";
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
