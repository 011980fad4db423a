package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;

import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a Deployment's rollout the way {@code kubectl rollout status} does: the controller has seen the latest
 * spec (observedGeneration), every replica runs the new template (updated == replicas, no old ones left) and is
 * available. Bounded by our own progress deadline; the Deployment's own {@code ProgressDeadlineExceeded} ends the
 * wait early.
 */
final class RolloutProgress {

    private final KubernetesClient client;
    private final Duration deadline;

    RolloutProgress(KubernetesClient client, Duration deadline) {
        this.client = Objects.requireNonNull(client, "client");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /** Returns once the Deployment is rolled out; fails (not transient) when it stalls past the deadline. */
    Deployment await(String namespace, String name) throws PlatformException {
        String what = "deployment " + namespace + "/" + name;
        Deployment done;
        try {
            done = client.apps().deployments().inNamespace(namespace).withName(name)
                    .waitUntilCondition(d -> d == null || isComplete(d) || stalled(d).isPresent(),
                            deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            Deployment now = call("reading " + what, () -> client.apps().deployments().inNamespace(namespace)
                    .withName(name).get());
            throw new PlatformException(what + " did not finish its rollout within " + deadline + ": "
                    + describe(now), false, e);
        } catch (KubernetesClientException e) {
            throw KubernetesCalls.failure("waiting for the rollout of " + what, e);
        }
        if (done == null) {
            throw new PlatformException(what + " was deleted during its rollout", false);
        }
        Optional<String> stalled = stalled(done);
        if (stalled.isPresent() && !isComplete(done)) {
            throw new PlatformException(what + " stalled: " + stalled.get(), false);
        }
        return done;
    }

    static boolean isComplete(Deployment d) {
        DeploymentStatus status = d.getStatus();
        if (status == null) {
            return false;
        }
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed = status.getObservedGeneration() == null ? -1 : status.getObservedGeneration();
        int wanted = replicas(d);
        return observed >= generation
                && count(status.getUpdatedReplicas()) == wanted
                && count(status.getReplicas()) == wanted
                && count(status.getAvailableReplicas()) == wanted;
    }

    static int replicas(Deployment d) {
        // The API server defaults spec.replicas to 1; an object read back without it means the same.
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    private static Optional<String> stalled(Deployment d) {
        if (d.getStatus() == null || d.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return d.getStatus().getConditions().stream()
                .filter(c -> "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
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
        return count(s.getUpdatedReplicas()) + " of " + replicas(d) + " replicas updated, "
                + count(s.getAvailableReplicas()) + " available, " + count(s.getReplicas()) + " running";
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
