package dev.stride.executor.traffic;

import java.util.Map;
import java.util.Optional;

/**
 * What a driver is asked to do, typed: a phase's type and parameters read once, by the executor's
 * {@code run.PhaseActions}, before any driver sees them. A driver switches over the sealed set and refuses, in its
 * own words, the actions its platform cannot take (haproxy has no {@link Roll}). Every action is safe to repeat.
 *
 * <p>Java 17 has no pattern switch, so a driver takes the actions through {@link #dispatch} and a {@link Handler}:
 * one method per action, all of them abstract, so a new action does not compile until every driver says what it
 * does with it.
 */
public sealed interface TrafficAction {

    /** Calls the {@code handler} method for this action. */
    void dispatch(Handler handler) throws PlatformException;

    /** What a driver does with each action; an action its platform cannot take throws, not transient. */
    interface Handler {

        void setWeight(SetWeight action) throws PlatformException;

        void roll(Roll action) throws PlatformException;

        void promote(Promote action) throws PlatformException;

        void activateColour(ActivateColour action) throws PlatformException;

        void completeRollout(CompleteRollout action) throws PlatformException;

        void restore(Restore action) throws PlatformException;
    }

    /** Puts all traffic back on the stable version (a rollback). */
    Restore RESTORE = new Restore(false);

    /**
     * Puts all traffic back on the stable version and leaves the application in maintenance mode: the rollback's
     * database restore follows ({@code database.restore_on_rollback}) and takes it out.
     */
    Restore RESTORE_KEEPING_MAINTENANCE = new Restore(true);

    /** TRAFFIC: {@code weight} percent (0..100) to the new version. */
    record SetWeight(int weight, Release release) implements TrafficAction {

        @Override
        public void dispatch(Handler handler) throws PlatformException {
            handler.setWeight(this);
        }
    }

    /**
     * ROLLOUT: the new version in place of the old, {@code batchSize} more at a time, at most so many unavailable,
     * each new instance checked with {@code healthCheck} (when the request has one) before the next batch.
     */
    record Roll(Release release, int batchSize, int maxUnavailable, HealthCheck healthCheck)
            implements TrafficAction {

        public Roll(Release release, int batchSize, int maxUnavailable) {
            this(release, batchSize, maxUnavailable, null);
        }

        @Override
        public void dispatch(Handler handler) throws PlatformException {
            handler.roll(this);
        }
    }

    /**
     * The rolling block's health check of each new instance: an HTTP GET of {@code path} answering within {@code
     * timeout}, every {@code interval}, healthy after {@code healthyThreshold} passes in a row and unhealthy after
     * {@code unhealthyThreshold} failures.
     */
    record HealthCheck(
            String path,
            java.time.Duration timeout,
            java.time.Duration interval,
            int healthyThreshold,
            int unhealthyThreshold) {}

    /** FINALIZE {@code promote-canary}: the canary's version becomes the stable one. */
    record Promote(Release release) implements TrafficAction {

        @Override
        public void dispatch(Handler handler) throws PlatformException {
            handler.promote(this);
        }
    }

    /**
     * FINALIZE {@code activate-new-colour}: the new colour of a blue-green release takes all traffic. Whether the old
     * colour is scaled down is the plan's {@code scaleDownOldColour} when it says true or false, else the platform's
     * default ({@link #scaleDownOldColour()} is empty).
     */
    record ActivateColour(Release release, Optional<Boolean> scaleDownOldColour)
            implements TrafficAction {

        @Override
        public void dispatch(Handler handler) throws PlatformException {
            handler.activateColour(this);
        }
    }

    /** FINALIZE {@code complete-rollout}: the rolling update of the ROLLOUT phase has finished. */
    record CompleteRollout(Release release) implements TrafficAction {

        @Override
        public void dispatch(Handler handler) throws PlatformException {
            handler.completeRollout(this);
        }
    }

    /** The rollback: all traffic back on the stable version. */
    record Restore(boolean keepMaintenance) implements TrafficAction {

        @Override
        public void dispatch(Handler handler) throws PlatformException {
            handler.restore(this);
        }
    }

    /**
     * What a phase releases, as the plan names it: the artifact (image), a version, the strategy's blue-green flag
     * and, for blue-green on a load balancer, the colours. Which of these a platform needs is its driver's call;
     * {@link #artifact()} says the same thing for every driver when the artifact is missing.
     */
    record Release(
            Optional<String> artifactIfNamed,
            Optional<String> version,
            boolean blueGreen,
            Map<String, Colour> colours) {

        public Release {
            colours = Map.copyOf(colours);
        }

        /** Nothing named: a phase with no parameters about the release. */
        public static final Release NONE =
                new Release(Optional.empty(), Optional.empty(), false, Map.of());

        /** The artifact (the image to release), which the platform needs. */
        public String artifact() throws PlatformException {
            return artifactIfNamed.orElseThrow(
                    () ->
                            new PlatformException(
                                    "the phase names no artifact (the image to release)", false));
        }

        /** The colour named {@code name} ({@code blue}, {@code green}) when the plan gives its target group. */
        public Optional<Colour> colour(String name) {
            return Optional.ofNullable(colours.get(name));
        }
    }

    /** One colour of a blue-green release on a load balancer: its target group and optional scaling group. */
    record Colour(
            String targetGroup,
            Optional<String> autoScalingGroup,
            Optional<String> healthCheckPath) {}
}
