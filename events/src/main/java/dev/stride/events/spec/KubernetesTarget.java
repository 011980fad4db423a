package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A Deployment in a namespace, with an optional Service and one optional router for weighted steps: an NGINX
 * {@code ingress} (canary annotations) or a Gateway API {@code httpRoute} (backend weights), not both.
 * {@code maintenanceMode} sets the runbook's {@code nginx.ingress.kubernetes.io/maintenance} annotation on the ingress
 * while the release runs and clears it when it ends (finalized or rolled back).
 */
public record KubernetesTarget(
        String namespace,
        String deployment,
        String service,
        String ingress,
        String httpRoute,
        Boolean maintenanceMode)
        implements Target {
    public static final String PLATFORM = "kubernetes";

    /** A target without Gateway API route and without maintenance mode. */
    public KubernetesTarget(String namespace, String deployment, String service, String ingress) {
        this(namespace, deployment, service, ingress, null, null);
    }

    @Override
    @JsonProperty("platform")
    public String platform() {
        return PLATFORM;
    }

    /** Whether the runbook's maintenance-mode step is asked for. */
    public boolean inMaintenanceMode() {
        return Boolean.TRUE.equals(maintenanceMode);
    }

    /** Its namespace and Deployment. */
    @Override
    public Map<String, String> templateVariables() {
        return TemplateVariables.of("namespace", namespace, "deployment", deployment);
    }
}
