package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A Deployment in a namespace, with optional Service and Ingress used for traffic steps. */
public record KubernetesTarget(String namespace, String deployment, String service, String ingress)
        implements Target {
    public static final String PLATFORM = "kubernetes";

    @Override
    @JsonProperty("platform")
    public String platform() {
        return PLATFORM;
    }
}
