package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The runbook's health checks around a deployment: {@code pre} is its pre-deployment health-check script
 * (target health endpoint and expected status, database reachability, external dependencies), {@code post} its
 * post-deployment validation (endpoints, error rate and p95 limits, feature flags that must be enabled, database connectivity). Every
 * part is optional; what a request leaves out comes from the planner's per-environment defaults.
 */
public record DeploymentChecks(Pre pre, Post post) {

    public record Pre(HealthEndpoint health, Database database, List<String> dependencies) {}

    public record Post(
            List<String> endpoints,
            @JsonProperty("error_rate") String errorRate,
            @JsonProperty("response_time_p95") String responseTimeP95,
            @JsonProperty("feature_flags") FeatureFlags featureFlags,
            Database database) {}

    /** An endpoint that must answer {@code expectedStatus} (the runbook's check_health_endpoint). */
    public record HealthEndpoint(
            String url, @JsonProperty("expected_status") Integer expectedStatus) {}

    /** A PostgreSQL server that must accept connections (the runbook's pg_isready). */
    public record Database(String host, Integer port) {}

    /** Flags that must report enabled: {@code url} holds {@code {flag}}, replaced by each name in {@code required}. */
    public record FeatureFlags(String url, List<String> required) {}
}
