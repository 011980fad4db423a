package dev.stride.executor.traffic;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.Target;
import java.util.Map;

/**
 * Changes one platform's traffic and versions (Argo Rollouts' TrafficRoutingReconciler, Flagger's router). One
 * implementation per platform, picked by the target's {@code platform}. Every call is safe to repeat: applying
 * weight 30 twice leaves weight 30. Calls block, each within its own deadline; the executor runs them on a bounded
 * pool of platform threads, at most a share of it per {@link #endpoint endpoint}. A change the platform needs time
 * to roll out is not waited for: the call throws {@link RolloutInProgress} and is made again later.
 */
public interface TrafficDriver {

    /** The {@code target.platform} this driver serves, e.g. {@code haproxy}. */
    String platform();

    /** Brings the platform to the state a TRAFFIC, ROLLOUT or FINALIZE phase asks for. */
    void apply(Target target, PhaseType type, Map<String, Object> parameters) throws PlatformException;

    /** What the platform shows now, read back from it (never from what was last written). */
    LiveState read(Target target) throws PlatformException;

    /** Puts all traffic back on the stable version. */
    void restoreStable(Target target) throws PlatformException;

    /**
     * What the calls for this target talk to (an API server, an AWS region and account, a HAProxy socket): the
     * executor's bulkhead key, also named in the step log when it does not answer. Never holds a credential.
     */
    default String endpoint(Target target) {
        return platform();
    }
}
