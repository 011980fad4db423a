package dev.stride.executor.traffic.kubernetes;

import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.call;
import static dev.stride.executor.traffic.kubernetes.KubernetesCalls.run;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Gateway API: the target's HTTPRoute splits traffic by {@code backendRefs} weights, as Argo Rollouts' Gateway API
 * plugin does. In every rule that sends traffic to the main Service, the refs become the main Service at
 * {@code 100 - w} and the side Service at {@code w}, on the main ref's port; refs to other Services are kept as they
 * are. Withdrawing sets the side ref's weight to 0 (kept, so the next release reuses it).
 */
final class GatewayRouteRouter implements TrafficRouter {

    private final KubernetesClient client;

    GatewayRouteRouter(KubernetesClient client) {
        this.client = client;
    }

    /** The side Services Stride may add to a route: the canary's and the two colours' previews. */
    static Set<String> sideServices(KubernetesTarget target) {
        return Set.of(
                target.service() + "-canary",
                target.service() + "-blue",
                target.service() + "-green");
    }

    @Override
    public void route(KubernetesTarget target, String towards, int weight)
            throws PlatformException {
        write(target, towards, weight);
    }

    @Override
    public void withdraw(KubernetesTarget target) throws PlatformException {
        HTTPRoute route = read(target);
        if (weight(route, target) > 0) {
            write(target, null, 0);
        }
    }

    @Override
    public int weight(KubernetesTarget target) throws PlatformException {
        return weight(read(target), target);
    }

    private void write(KubernetesTarget target, String towards, int weight)
            throws PlatformException {
        HTTPRoute route = read(target);
        List<HTTPRouteRule> rules = rules(route);
        if (rules.stream().noneMatch(rule -> mainRef(rule, target) != null)) {
            throw new PlatformException(
                    describe(target) + " has no backendRef to service " + target.service(), false);
        }
        String ns = target.namespace();
        run(
                "updating " + describe(target),
                () ->
                        client.resources(HTTPRoute.class)
                                .inNamespace(ns)
                                .withName(target.httpRoute())
                                .edit(
                                        r -> {
                                            for (HTTPRouteRule rule : rules(r)) {
                                                HTTPBackendRef main = mainRef(rule, target);
                                                if (main != null) {
                                                    rule.setBackendRefs(
                                                            split(
                                                                    rule, main, target, towards,
                                                                    weight));
                                                }
                                            }
                                            return r;
                                        }));
    }

    private static List<HTTPBackendRef> split(
            HTTPRouteRule rule,
            HTTPBackendRef main,
            KubernetesTarget target,
            String towards,
            int weight) {
        Set<String> sides = sideServices(target);
        String side = towards;
        if (side == null) {
            // Withdrawing: keep whichever side ref is there, at 0.
            side =
                    rule.getBackendRefs().stream()
                            .map(HTTPBackendRef::getName)
                            .filter(sides::contains)
                            .findFirst()
                            .orElse(null);
        }
        List<HTTPBackendRef> refs = new ArrayList<>();
        refs.add(new HTTPBackendRefBuilder(main).withWeight(100 - weight).build());
        if (side != null) {
            refs.add(new HTTPBackendRefBuilder(main).withName(side).withWeight(weight).build());
        }
        rule.getBackendRefs().stream()
                .filter(ref -> ref != main && !sides.contains(ref.getName()))
                .forEach(refs::add);
        return refs;
    }

    // The side's share in the first rule that routes to the main Service: side weight over the two
    // weights' sum.
    private static int weight(HTTPRoute route, KubernetesTarget target) {
        Set<String> sides = sideServices(target);
        for (HTTPRouteRule rule : rules(route)) {
            HTTPBackendRef main = mainRef(rule, target);
            if (main == null) {
                continue;
            }
            int mainWeight = weightOf(main);
            int sideWeight =
                    rule.getBackendRefs().stream()
                            .filter(ref -> sides.contains(ref.getName()))
                            .mapToInt(GatewayRouteRouter::weightOf)
                            .sum();
            int total = mainWeight + sideWeight;
            return total == 0 ? 0 : (int) Math.round(100.0 * sideWeight / total);
        }
        return 0;
    }

    // The Gateway API's default weight is 1.
    private static int weightOf(HTTPBackendRef ref) {
        return ref.getWeight() == null ? 1 : ref.getWeight();
    }

    private static HTTPBackendRef mainRef(HTTPRouteRule rule, KubernetesTarget target) {
        if (rule.getBackendRefs() == null) {
            return null;
        }
        return rule.getBackendRefs().stream()
                .filter(ref -> target.service().equals(ref.getName()))
                .filter(ref -> ref.getKind() == null || "Service".equals(ref.getKind()))
                .findFirst()
                .orElse(null);
    }

    private static List<HTTPRouteRule> rules(HTTPRoute route) {
        return route.getSpec() == null || route.getSpec().getRules() == null
                ? List.of()
                : route.getSpec().getRules();
    }

    private HTTPRoute read(KubernetesTarget target) throws PlatformException {
        String ns = target.namespace();
        HTTPRoute route =
                call(
                        "reading " + describe(target),
                        () ->
                                client.resources(HTTPRoute.class)
                                        .inNamespace(ns)
                                        .withName(target.httpRoute())
                                        .get());
        if (route == null) {
            throw new PlatformException(describe(target) + " not found", false);
        }
        return route;
    }

    private static String describe(KubernetesTarget target) {
        return "httproute " + target.namespace() + "/" + target.httpRoute();
    }
}
