package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.UnaryOperator;

/** Reads and edits Deployments; edits retry the API server's 409 on a fresh read a few times. */
final class Deployments {

    private static final int EDIT_ATTEMPTS = 3;

    private final KubernetesClient client;

    Deployments(KubernetesClient client) {
        this.client = client;
    }

    /** The Deployment, or null when there is none. */
    Deployment get(String ns, String name) throws PlatformException {
        return call(
                "reading deployment " + ns + "/" + name,
                () -> client.apps().deployments().inNamespace(ns).withName(name).get());
    }

    /** The target's own Deployment (the stable one of a canary or rolling release); fails when there is none. */
    Deployment stable(KubernetesTarget target) throws PlatformException {
        Deployment stable = get(target.namespace(), target.deployment());
        if (stable == null) {
            throw new PlatformException(
                    "deployment " + target.namespace() + "/" + target.deployment() + " not found",
                    false);
        }
        return stable;
    }

    void editStable(KubernetesTarget target, UnaryOperator<Deployment> change)
            throws PlatformException {
        edit(target.namespace(), target.deployment(), change);
    }

    // edit() hands the change a copy of the object just read and sends the difference. The
    // Deployment controller
    // writes status all the time, so a 409 (the object changed in between) is tried again on a
    // fresh read a few
    // times; one that persists is reported as transient.
    void edit(String ns, String name, UnaryOperator<Deployment> change) throws PlatformException {
        for (int attempt = 1; ; attempt++) {
            try {
                client.apps().deployments().inNamespace(ns).withName(name).edit(change);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == EDIT_ATTEMPTS) {
                    throw KubernetesCalls.failure("updating deployment " + ns + "/" + name, e);
                }
            }
        }
    }

    void create(Deployment deployment) throws PlatformException {
        String ns = deployment.getMetadata().getNamespace();
        KubernetesCalls.run(
                "creating deployment " + ns + "/" + deployment.getMetadata().getName(),
                () -> client.apps().deployments().inNamespace(ns).resource(deployment).create());
    }
}
