package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;
import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.run;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The NGINX ingress controller's canary: a second Ingress {@code <ingress>-canary} with the main one's rules, pointed
 * at a Service {@code <service>-canary} that selects only the canary's pods, and the share it takes in the
 * {@code canary-weight} annotation. The main Ingress and Service are read, never written.
 */
final class NginxCanaryRouter {

    static final String CANARY = "nginx.ingress.kubernetes.io/canary";
    static final String CANARY_WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";

    private final KubernetesClient client;

    NginxCanaryRouter(KubernetesClient client) {
        this.client = client;
    }

    static String canaryService(KubernetesTarget target) {
        return target.service() + "-canary";
    }

    static String canaryIngress(KubernetesTarget target) {
        return target.ingress() + "-canary";
    }

    /** The label keys the main Service selects on: the canary's pods must not carry them, or it would select them. */
    Set<String> mainSelectorKeys(KubernetesTarget target) throws PlatformException {
        Map<String, String> selector = mainService(target).getSpec().getSelector();
        return selector == null ? Set.of() : Set.copyOf(selector.keySet());
    }

    /** Creates or updates the canary Service and Ingress so the canary takes {@code weight} percent. */
    void route(KubernetesTarget target, Map<String, String> canarySelector, int weight) throws PlatformException {
        String ns = target.namespace();
        Service main = mainService(target);
        Service canaryService = new ServiceBuilder()
                .withNewMetadata().withName(canaryService(target)).withNamespace(ns)
                .withLabels(main.getMetadata().getLabels()).endMetadata()
                // Ports only: the cluster IP, node ports and load balancer belong to the main Service.
                .withNewSpec().withType("ClusterIP").withPorts(main.getSpec().getPorts())
                .withSelector(canarySelector).endSpec()
                .build();
        run("writing service " + ns + "/" + canaryService(target), () -> {
            var resource = client.services().inNamespace(ns).withName(canaryService(target));
            if (resource.get() == null) {
                client.services().inNamespace(ns).resource(canaryService).create();
            } else {
                resource.edit(s -> new ServiceBuilder(s).editSpec().withPorts(main.getSpec().getPorts())
                        .withSelector(canarySelector).endSpec().build());
            }
        });

        Ingress mainIngress = call("reading ingress " + ns + "/" + target.ingress(),
                () -> client.network().v1().ingresses().inNamespace(ns).withName(target.ingress()).get());
        if (mainIngress == null) {
            throw new PlatformException("ingress " + ns + "/" + target.ingress() + " not found", false);
        }
        List<IngressRule> rules = rulesTowardsCanary(mainIngress, target);
        String weightText = Integer.toString(weight);
        run("writing ingress " + ns + "/" + canaryIngress(target), () -> {
            var resource = client.network().v1().ingresses().inNamespace(ns).withName(canaryIngress(target));
            if (resource.get() == null) {
                client.network().v1().ingresses().inNamespace(ns).resource(new IngressBuilder()
                        .withNewMetadata().withName(canaryIngress(target)).withNamespace(ns)
                        .withLabels(mainIngress.getMetadata().getLabels())
                        .withAnnotations(Map.of(CANARY, "true", CANARY_WEIGHT, weightText)).endMetadata()
                        .withNewSpec().withIngressClassName(mainIngress.getSpec().getIngressClassName())
                        .withRules(rules).endSpec()
                        .build()).create();
            } else {
                resource.edit(i -> new IngressBuilder(i)
                        .editMetadata().addToAnnotations(CANARY, "true").addToAnnotations(CANARY_WEIGHT, weightText)
                        .endMetadata()
                        .editSpec().withRules(rules).endSpec()
                        .build());
            }
        });
    }

    /** Takes all traffic off the canary; keeps the canary Ingress (at weight 0) so the next release reuses it. */
    void withdraw(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        run("writing ingress " + ns + "/" + canaryIngress(target), () -> {
            var resource = client.network().v1().ingresses().inNamespace(ns).withName(canaryIngress(target));
            Ingress canary = resource.get();
            if (canary != null && !"0".equals(annotation(canary, CANARY_WEIGHT))) {
                resource.edit(i -> new IngressBuilder(i).editMetadata().addToAnnotations(CANARY_WEIGHT, "0")
                        .endMetadata().build());
            }
        });
    }

    /** The canary's share as the ingress controller is told it: 0 without a canary Ingress or when it is off. */
    int weight(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        Ingress canary = call("reading ingress " + ns + "/" + canaryIngress(target),
                () -> client.network().v1().ingresses().inNamespace(ns).withName(canaryIngress(target)).get());
        if (canary == null || !"true".equals(annotation(canary, CANARY))) {
            return 0;
        }
        String weight = annotation(canary, CANARY_WEIGHT);
        try {
            return weight == null ? 0 : Integer.parseInt(weight.strip());
        } catch (NumberFormatException e) {
            throw new PlatformException("ingress " + ns + "/" + canaryIngress(target) + " has canary-weight '"
                    + weight + "', not a number", false);
        }
    }

    private Service mainService(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        Service main = call("reading service " + ns + "/" + target.service(),
                () -> client.services().inNamespace(ns).withName(target.service()).get());
        if (main == null) {
            throw new PlatformException("service " + ns + "/" + target.service() + " not found", false);
        }
        return main;
    }

    // The main Ingress's rules with every backend on the main Service turned to the canary Service; paths to other
    // Services are left out, so the canary Ingress only splits this application's traffic.
    private static List<IngressRule> rulesTowardsCanary(Ingress main, KubernetesTarget target)
            throws PlatformException {
        List<IngressRule> rules = main.getSpec() == null || main.getSpec().getRules() == null
                ? List.of() : main.getSpec().getRules();
        List<IngressRule> towardsCanary = rules.stream()
                .filter(r -> r.getHttp() != null)
                .map(r -> new IngressRuleBuilder(r).editHttp().withPaths(r.getHttp().getPaths().stream()
                        .filter(p -> isMainService(p, target))
                        .map(p -> {
                            HTTPIngressPath copy = new HTTPIngressPathBuilder(p).build();
                            copy.getBackend().getService().setName(canaryService(target));
                            return copy;
                        })
                        .toList()).endHttp().build())
                .filter(r -> !r.getHttp().getPaths().isEmpty())
                .toList();
        if (towardsCanary.isEmpty()) {
            throw new PlatformException("ingress " + target.namespace() + "/" + target.ingress()
                    + " has no path to service " + target.service(), false);
        }
        return towardsCanary;
    }

    private static boolean isMainService(HTTPIngressPath path, KubernetesTarget target) {
        return path.getBackend() != null && path.getBackend().getService() != null
                && target.service().equals(path.getBackend().getService().getName());
    }

    static String annotation(HasMetadata object, String key) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    static Map<String, String> copy(Map<String, String> labels) {
        return labels == null ? new HashMap<>() : new HashMap<>(labels);
    }
}
