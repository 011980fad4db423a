package dev.stride.notifier.notice;

/**
 * What the notifier knows of a deployment (from its DeploymentRequested and later events); any part may be unknown.
 * {@code verificationDelay}: the request's {@code rollback.rollback_strategy.verification_delay}, when stable is
 * verified after a rollback (then a restored stable is not yet a completed rollback).
 */
public record DeploymentFacts(
        String application, String environment, String version, String verificationDelay) {

    public static final DeploymentFacts UNKNOWN = new DeploymentFacts(null, null, null);

    public DeploymentFacts(String application, String environment, String version) {
        this(application, environment, version, null);
    }

    /** These facts, with the gaps filled from {@code other}. */
    public DeploymentFacts orElse(DeploymentFacts other) {
        return new DeploymentFacts(
                application != null ? application : other.application,
                environment != null ? environment : other.environment,
                version != null ? version : other.version,
                verificationDelay != null ? verificationDelay : other.verificationDelay);
    }
}
