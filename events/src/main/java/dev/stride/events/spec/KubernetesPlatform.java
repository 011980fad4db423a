package dev.stride.events.spec;

import static dev.stride.events.check.FieldChecks.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import java.util.List;
import java.util.Set;

/**
 * The rules of a {@link KubernetesTarget}: a namespace and Deployment, one router at most (ingress or HTTPRoute)
 * and the Service it sends the stable share to, maintenance mode only with an ingress; and what a blue-green needs.
 */
final class KubernetesPlatform implements Platform {

    private static final Set<String> FIELDS =
            Set.of(
                    "platform",
                    "namespace",
                    "deployment",
                    "service",
                    "ingress",
                    "httpRoute",
                    "maintenanceMode");

    @Override
    public String name() {
        return KubernetesTarget.PLATFORM;
    }

    @Override
    public Class<KubernetesTarget> targetType() {
        return KubernetesTarget.class;
    }

    @Override
    public void checkTarget(FieldChecks checks, JsonNode target, String at) {
        checks.onlyKnownFields(target, at, FIELDS);
        checks.matching(
                target,
                "namespace",
                at,
                true,
                Formats.DNS_LABEL,
                "must be a Kubernetes namespace name");
        for (String name : List.of("deployment", "service", "ingress", "httpRoute")) {
            checks.matching(
                    target,
                    name,
                    at,
                    name.equals("deployment"),
                    Formats.DNS_NAME,
                    "must be a Kubernetes object name (lowercase letters, digits, '-' and '.')");
        }
        if (target.hasNonNull("ingress") && target.hasNonNull("httpRoute")) {
            checks.add(
                    path(at, "httpRoute"),
                    "give either ingress or httpRoute as the router, not both");
        }
        for (String router : List.of("ingress", "httpRoute")) {
            if (target.hasNonNull(router) && !target.hasNonNull("service")) {
                checks.add(
                        path(at, "service"),
                        "is required with target."
                                + router
                                + " (the router sends the stable share to it)");
            }
        }
        JsonNode maintenance = target.path("maintenanceMode");
        if (!maintenance.isMissingNode() && !maintenance.isNull()) {
            if (!maintenance.isBoolean()) {
                checks.add(path(at, "maintenanceMode"), "must be true or false");
            } else if (maintenance.booleanValue() && !target.hasNonNull("ingress")) {
                checks.add(
                        path(at, "maintenanceMode"),
                        "needs target.ingress: the annotation goes on it");
            }
        }
    }

    // A Kubernetes blue-green switches the Service's selector, and only a router can split traffic
    // between the
    // colours: without one, the steps below 100% could not be taken.
    @Override
    public void checkWithDeployment(
            FieldChecks checks, JsonNode target, JsonNode deployment, String at) {
        if (!BlueGreenStrategy.NAME.equals(deployment.path("strategy").asText(null))) {
            return;
        }
        if (!target.hasNonNull("service")) {
            checks.add(
                    path(at, "service"),
                    "is required for a blue-green on kubernetes: its selector picks the colour");
        }
        JsonNode shifting = deployment.path("traffic_shifting");
        boolean stepsBelowFull =
                shifting.path("initial_weight").asInt(0) > 0
                        || shifting.path("increment").asInt(100) < 100;
        if (stepsBelowFull && !target.hasNonNull("ingress") && !target.hasNonNull("httpRoute")) {
            checks.add(
                    path(at, "ingress"),
                    "a blue-green on kubernetes with steps below 100% needs a router: name "
                            + "target.ingress or target.httpRoute, or set traffic_shifting.increment to 100");
        }
    }
}
