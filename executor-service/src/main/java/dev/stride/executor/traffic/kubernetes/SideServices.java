package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;
import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.run;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The target's main Service (read, and for blue-green its selector written) and the side Services a router sends
 * traffic to: same ports as the main one, their own selector, always ClusterIP.
 */
final class SideServices {

    private final KubernetesClient client;

    SideServices(KubernetesClient client) {
        this.client = client;
    }

    Service main(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        if (target.service() == null || target.service().isBlank()) {
            throw new PlatformException("the kubernetes target names no service", false);
        }
        Service main =
                call(
                        "reading service " + ns + "/" + target.service(),
                        () -> client.services().inNamespace(ns).withName(target.service()).get());
        if (main == null) {
            throw new PlatformException(
                    "service " + ns + "/" + target.service() + " not found", false);
        }
        return main;
    }

    /** The label keys the main Service selects on. */
    Set<String> mainSelectorKeys(KubernetesTarget target) throws PlatformException {
        Map<String, String> selector = main(target).getSpec().getSelector();
        return selector == null ? Set.of() : Set.copyOf(selector.keySet());
    }

    /** Creates or updates the side Service {@code name}: the main Service's ports, {@code selector}'s pods. */
    void ensure(KubernetesTarget target, String name, Map<String, String> selector)
            throws PlatformException {
        String ns = target.namespace();
        Service main = main(target);
        Service side =
                new ServiceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .withLabels(main.getMetadata().getLabels())
                        .endMetadata()
                        // Ports only: the cluster IP, node ports and load balancer belong to the
                        // main Service.
                        .withNewSpec()
                        .withType("ClusterIP")
                        .withPorts(main.getSpec().getPorts())
                        .withSelector(selector)
                        .endSpec()
                        .build();
        run(
                "writing service " + ns + "/" + name,
                () -> {
                    var resource = client.services().inNamespace(ns).withName(name);
                    if (resource.get() == null) {
                        client.services().inNamespace(ns).resource(side).create();
                    } else {
                        resource.edit(
                                s ->
                                        new ServiceBuilder(s)
                                                .editSpec()
                                                .withPorts(main.getSpec().getPorts())
                                                .withSelector(selector)
                                                .endSpec()
                                                .build());
                    }
                });
    }

    /** Edits the main Service (blue-green's selector switch). */
    void editMain(KubernetesTarget target, UnaryOperator<Service> change) throws PlatformException {
        String ns = target.namespace();
        run(
                "updating service " + ns + "/" + target.service(),
                () -> client.services().inNamespace(ns).withName(target.service()).edit(change));
    }
}
