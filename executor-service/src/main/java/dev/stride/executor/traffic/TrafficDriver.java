package dev.stride.executor.traffic;

import dev.stride.events.spec.Target;

/**
 * Changes one platform's traffic and versions (Argo Rollouts' TrafficRoutingReconciler, Flagger's router). One
 * implementation per platform, typed by the platform's {@link Target} record and found by it
 * ({@link TrafficDrivers}); each lives in its own package with its CDI producer. Every call is safe to repeat:
 * applying weight 30 twice leaves weight 30. Calls block, each within its own deadline; the executor runs them on a
 * bounded pool of platform threads, at most a share of it per {@link #endpoint endpoint}. A change the platform needs
 * time to roll out is not waited for: the call throws {@link RolloutInProgress} and is made again later.
 *
 * @param <T> the target this driver serves
 */
public interface TrafficDriver<T extends Target> {

    /** The target record this driver serves, e.g. {@code HaproxyTarget}. */
    Class<T> targetType();

    /**
     * Brings the platform to the state {@code action} asks for (a TRAFFIC, ROLLOUT or FINALIZE phase, or the
     * rollback's {@link TrafficAction.Restore}); an action the platform cannot take fails, not transient.
     */
    void apply(T target, TrafficAction action) throws PlatformException;

    /**
     * Holds a rollout under way where the platform can (the deployment was paused): Kubernetes pauses the
     * Deployment's rollout ({@code spec.paused}), which the next {@link #apply} of the ROLLOUT lifts. A platform
     * with nothing to hold changes nothing; safe to repeat like every call.
     */
    default void hold(T target) throws PlatformException {}

    /**
     * Turns the application's maintenance mode on or off around a database restore, where the platform has one (the
     * planner accepts {@code restore_on_rollback} only on such targets); a platform without one refuses.
     */
    default void maintenance(T target, boolean on) throws PlatformException {
        throw new PlatformException(
                "platform " + target.platform() + " has no maintenance mode for a database restore",
                false);
    }

    /** What the platform shows now, read back from it (never from what was last written). */
    LiveState read(T target) throws PlatformException;

    /**
     * What the calls for this target talk to (an API server, an AWS region and account, a HAProxy socket): the
     * executor's bulkhead key, also named in the step log when it does not answer. Never holds a credential.
     */
    default String endpoint(T target) {
        return target.platform();
    }
}
