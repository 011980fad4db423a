package dev.stride.planner.plan;

import dev.stride.events.spec.DeploymentChecks;
import dev.stride.events.spec.DeploymentChecks.Database;
import dev.stride.events.spec.DeploymentChecks.FeatureFlags;
import dev.stride.events.spec.DeploymentChecks.HealthEndpoint;
import dev.stride.events.spec.DeploymentChecks.Post;
import dev.stride.events.spec.DeploymentChecks.Pre;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The parameters of the pre- and post-deployment CHECKS phases: the request's checks laid over the environment's
 * defaults one field at a time. A field the request gives replaces the default's whole value (a health endpoint
 * with its status, a list with its items), so a request can also switch a default list off with an empty one.
 */
final class CheckPhases {

    static final int DEFAULT_EXPECTED_STATUS = 200;
    static final int DEFAULT_DATABASE_PORT = 5432;

    private CheckPhases() {}

    static Map<String, Object> pre(DeploymentChecks requested, DeploymentChecks defaults) {
        Pre own = requested == null ? null : requested.pre();
        Pre fallback = defaults == null ? null : defaults.pre();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("stage", "pre");
        HealthEndpoint health = merged(own, fallback, Pre::health);
        if (health != null) {
            Map<String, Object> endpoint = new LinkedHashMap<>();
            endpoint.put("url", required(health.url(), "checks.pre.health.url"));
            endpoint.put(
                    "expectedStatus",
                    health.expectedStatus() == null
                            ? DEFAULT_EXPECTED_STATUS
                            : health.expectedStatus());
            parameters.put("health", endpoint);
        }
        putDatabase(parameters, merged(own, fallback, Pre::database), "checks.pre.database.host");
        putList(parameters, "dependencies", merged(own, fallback, Pre::dependencies));
        return parameters;
    }

    static Map<String, Object> post(DeploymentChecks requested, DeploymentChecks defaults) {
        Post own = requested == null ? null : requested.post();
        Post fallback = defaults == null ? null : defaults.post();
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("stage", "post");
        putList(parameters, "endpoints", merged(own, fallback, Post::endpoints));
        putIfPresent(parameters, "errorRate", merged(own, fallback, Post::errorRate));
        putIfPresent(parameters, "responseTimeP95", merged(own, fallback, Post::responseTimeP95));
        FeatureFlags flags = merged(own, fallback, Post::featureFlags);
        if (flags != null) {
            Map<String, Object> featureFlags = new LinkedHashMap<>();
            featureFlags.put("url", required(flags.url(), "checks.post.feature_flags.url"));
            putList(featureFlags, "required", flags.required());
            parameters.put("featureFlags", featureFlags);
        }
        putDatabase(parameters, merged(own, fallback, Post::database), "checks.post.database.host");
        return parameters;
    }

    /** A database to reach, as the verifier's check takes it: host and port (5432 unless given). */
    private static void putDatabase(
            Map<String, Object> parameters, Database database, String hostAt) {
        if (database != null) {
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("host", required(database.host(), hostAt));
            server.put("port", database.port() == null ? DEFAULT_DATABASE_PORT : database.port());
            parameters.put("database", server);
        }
    }

    /** The request's value of a field if it gives one, else the default's. */
    private static <S, T> T merged(S own, S fallback, Function<S, T> field) {
        T value = own == null ? null : field.apply(own);
        if (value != null) {
            return value;
        }
        return fallback == null ? null : field.apply(fallback);
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required when its block is given");
        }
        return value;
    }

    private static void putIfPresent(Map<String, Object> parameters, String key, Object value) {
        if (value != null) {
            parameters.put(key, value);
        }
    }

    // An empty list checks nothing, so it is left out like an absent one.
    private static void putList(Map<String, Object> parameters, String key, List<String> values) {
        if (values != null && !values.isEmpty()) {
            parameters.put(key, values);
        }
    }
}
