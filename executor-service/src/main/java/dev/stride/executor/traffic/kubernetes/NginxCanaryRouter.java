package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;
import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.run;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.HasMetadata;
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

/**
 * The NGINX ingress controller's canary: a second Ingress {@code <ingress>-canary} with the main one's rules, pointed
 * at a side Service, and the share it takes in the {@code canary-weight} annotation. The main Ingress and Service
 * are read, never written.
 */
final class NginxCanaryRouter implements TrafficRouter {

    static final String CANARY = "nginx.ingress.kubernetes.io/canary";
    static final String CANARY_WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";

    private final KubernetesClient client;

    NginxCanaryRouter(KubernetesClient client) {
        this.client = client;
    }

    static String canaryIngress(KubernetesTarget target) {
        return target.ingress() + "-canary";
    }

    @Override
    public void route(KubernetesTarget target, String towards, int weight)
            throws PlatformException {
        String ns = target.namespace();
        Ingress mainIngress =
                call(
                        "reading ingress " + ns + "/" + target.ingress(),
                        () ->
                                client.network()
                                        .v1()
                                        .ingresses()
                                        .inNamespace(ns)
                                        .withName(target.ingress())
                                        .get());
        if (mainIngress == null) {
            throw new PlatformException(
                    "ingress " + ns + "/" + target.ingress() + " not found", false);
        }
        List<IngressRule> rules = rulesTowards(mainIngress, target, towards);
        String weightText = Integer.toString(weight);
        run(
                "writing ingress " + ns + "/" + canaryIngress(target),
                () -> {
                    var resource =
                            client.network()
                                    .v1()
                                    .ingresses()
                                    .inNamespace(ns)
                                    .withName(canaryIngress(target));
                    if (resource.get() == null) {
                        client.network()
                                .v1()
                                .ingresses()
                                .inNamespace(ns)
                                .resource(
                                        new IngressBuilder()
                                                .withNewMetadata()
                                                .withName(canaryIngress(target))
                                                .withNamespace(ns)
                                                .withLabels(mainIngress.getMetadata().getLabels())
                                                .withAnnotations(
                                                        Map.of(
                                                                CANARY,
                                                                "true",
                                                                CANARY_WEIGHT,
                                                                weightText))
                                                .endMetadata()
                                                .withNewSpec()
                                                .withIngressClassName(
                                                        mainIngress.getSpec().getIngressClassName())
                                                .withRules(rules)
                                                .endSpec()
                                                .build())
                                .create();
                    } else {
                        resource.edit(
                                i ->
                                        new IngressBuilder(i)
                                                .editMetadata()
                                                .addToAnnotations(CANARY, "true")
                                                .addToAnnotations(CANARY_WEIGHT, weightText)
                                                .endMetadata()
                                                .editSpec()
                                                .withRules(rules)
                                                .endSpec()
                                                .build());
                    }
                });
    }

    /** Takes all traffic off the canary; keeps the canary Ingress (at weight 0) so the next release reuses it. */
    @Override
    public void withdraw(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        run(
                "writing ingress " + ns + "/" + canaryIngress(target),
                () -> {
                    var resource =
                            client.network()
                                    .v1()
                                    .ingresses()
                                    .inNamespace(ns)
                                    .withName(canaryIngress(target));
                    Ingress canary = resource.get();
                    if (canary != null && !"0".equals(annotation(canary, CANARY_WEIGHT))) {
                        resource.edit(
                                i ->
                                        new IngressBuilder(i)
                                                .editMetadata()
                                                .addToAnnotations(CANARY_WEIGHT, "0")
                                                .endMetadata()
                                                .build());
                    }
                });
    }

    /** The canary's share as the ingress controller is told it: 0 without a canary Ingress or when it is off. */
    @Override
    public int weight(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        Ingress canary =
                call(
                        "reading ingress " + ns + "/" + canaryIngress(target),
                        () ->
                                client.network()
                                        .v1()
                                        .ingresses()
                                        .inNamespace(ns)
                                        .withName(canaryIngress(target))
                                        .get());
        if (canary == null || !"true".equals(annotation(canary, CANARY))) {
            return 0;
        }
        String weight = annotation(canary, CANARY_WEIGHT);
        try {
            return weight == null ? 0 : Integer.parseInt(weight.strip());
        } catch (NumberFormatException e) {
            throw new PlatformException(
                    "ingress "
                            + ns
                            + "/"
                            + canaryIngress(target)
                            + " has canary-weight '"
                            + weight
                            + "', not a number",
                    false);
        }
    }

    // The main Ingress's rules with every backend on the main Service turned to the side Service;
    // paths to other
    // Services are left out, so the canary Ingress only splits this application's traffic.
    private static List<IngressRule> rulesTowards(
            Ingress main, KubernetesTarget target, String towards) throws PlatformException {
        List<IngressRule> rules =
                main.getSpec() == null || main.getSpec().getRules() == null
                        ? List.of()
                        : main.getSpec().getRules();
        List<IngressRule> towardsCanary =
                rules.stream()
                        .filter(r -> r.getHttp() != null)
                        .map(
                                r ->
                                        new IngressRuleBuilder(r)
                                                .editHttp()
                                                .withPaths(
                                                        r.getHttp().getPaths().stream()
                                                                .filter(
                                                                        p ->
                                                                                isMainService(
                                                                                        p, target))
                                                                .map(
                                                                        p -> {
                                                                            HTTPIngressPath copy =
                                                                                    new HTTPIngressPathBuilder(
                                                                                                    p)
                                                                                            .build();
                                                                            copy.getBackend()
                                                                                    .getService()
                                                                                    .setName(
                                                                                            towards);
                                                                            return copy;
                                                                        })
                                                                .toList())
                                                .endHttp()
                                                .build())
                        .filter(r -> !r.getHttp().getPaths().isEmpty())
                        .toList();
        if (towardsCanary.isEmpty()) {
            throw new PlatformException(
                    "ingress "
                            + target.namespace()
                            + "/"
                            + target.ingress()
                            + " has no path to service "
                            + target.service(),
                    false);
        }
        return towardsCanary;
    }

    private static boolean isMainService(HTTPIngressPath path, KubernetesTarget target) {
        return path.getBackend() != null
                && path.getBackend().getService() != null
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
