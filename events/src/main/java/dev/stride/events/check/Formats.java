package dev.stride.events.check;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The formats more than one rule set checks a field against (the planner's request rules and the platforms' target
 * rules), so that a name means the same wherever it appears. The JSON Schema of DeploymentRequested spells the
 * same patterns (common.schema.json).
 */
public final class Formats {

    /** A lowercase DNS label (RFC 1123): an application, a Kubernetes namespace. */
    public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** A lowercase DNS subdomain: a Kubernetes object name. */
    public static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    /** A reference without spaces (at most 512 characters). */
    public static final Pattern NO_SPACE = Pattern.compile("\\S{1,512}");

    /** An AWS region such as us-east-1. */
    public static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

    /** An Amazon Resource Name. */
    public static final Pattern ARN =
            Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\\d{0,12}:\\S+");

    /** An ECS cluster's ARN: arn:aws:ecs:<region>:<account>:cluster/<name>. */
    public static final Pattern ECS_CLUSTER_ARN =
            Pattern.compile("arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9._-]{1,255}");

    /**
     * The region an ARN names (its fourth field), if it names one that looks like a region: IAM and other global
     * ARNs name none. Empty for null or anything that is not an ARN.
     */
    public static Optional<String> regionOf(String arn) {
        if (arn == null || !ARN.matcher(arn).matches()) {
            return Optional.empty();
        }
        String region = arn.split(":", 5)[3];
        return REGION.matcher(region).matches() ? Optional.of(region) : Optional.empty();
    }

    /** An absolute path: a socket file, an HTTP path. */
    public static final Pattern ABSOLUTE_PATH = Pattern.compile("/\\S*");

    /** host:port. */
    public static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

    /** A name of letters, digits, '.', '_' or '-': an HAProxy backend or server, an ECS cluster or service. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** What a field failing {@link #NAME} is told. */
    public static final String NAME_RULE = "must be a name of letters, digits, '.', '_' or '-'";

    private Formats() {}
}
