package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.run;
import static dev.stride.executor.traffic.kubernetes.NginxCanaryRouter.annotation;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The runbook's maintenance-mode step, when the target asks for it: the NGINX {@code maintenance} annotation on
 * the target's ingress, "true" while the release runs and "false" once it is finalized or rolled back.
 */
final class MaintenanceMode {

    static final String MAINTENANCE = "nginx.ingress.kubernetes.io/maintenance";

    private final KubernetesClient client;

    MaintenanceMode(KubernetesClient client) {
        this.client = client;
    }

    /** Turns maintenance mode on or off on the target's ingress; nothing when the target does not ask for it. */
    void set(KubernetesTarget target, boolean on) throws PlatformException {
        if (!target.inMaintenanceMode()) {
            return;
        }
        String ns = target.namespace();
        String value = Boolean.toString(on);
        run(
                "writing ingress " + ns + "/" + target.ingress(),
                () -> {
                    var resource =
                            client.network()
                                    .v1()
                                    .ingresses()
                                    .inNamespace(ns)
                                    .withName(target.ingress());
                    Ingress ingress = resource.get();
                    if (ingress == null) {
                        throw new KubernetesClientException(
                                "ingress " + ns + "/" + target.ingress() + " not found", 404, null);
                    }
                    if (!value.equals(annotation(ingress, MAINTENANCE))) {
                        resource.edit(
                                i ->
                                        new IngressBuilder(i)
                                                .editMetadata()
                                                .addToAnnotations(MAINTENANCE, value)
                                                .endMetadata()
                                                .build());
                    }
                });
    }
}
