package dev.stride.notifier.notice;

/** What the notifier knows of a deployment (from its DeploymentRequested and later events); any part may be unknown. */
public record DeploymentFacts(String application, String environment, String version) {

    public static final DeploymentFacts UNKNOWN = new DeploymentFacts(null, null, null);

    /** These facts, with the gaps filled from {@code other}. */
    public DeploymentFacts orElse(DeploymentFacts other) {
        return new DeploymentFacts(
                application != null ? application : other.application,
                environment != null ? environment : other.environment,
                version != null ? version : other.version);
    }
}
