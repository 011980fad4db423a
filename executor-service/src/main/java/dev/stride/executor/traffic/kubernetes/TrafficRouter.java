package dev.stride.executor.traffic.kubernetes;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.PlatformException;

/**
 * Splits a target's traffic between its main Service and one side Service (the canary's, or the new colour's
 * preview): the NGINX ingress canary or a Gateway API HTTPRoute, as the target names. Every call writes the whole
 * state it wants, so repeating one is harmless.
 */
interface TrafficRouter {

    /** Sends {@code weight} percent to the Service {@code towards}, the rest to the target's main Service. */
    void route(KubernetesTarget target, String towards, int weight) throws PlatformException;

    /** Sends everything to the main Service again. */
    void withdraw(KubernetesTarget target) throws PlatformException;

    /** The side Service's share as the router holds it: 0 when nothing is routed aside. */
    int weight(KubernetesTarget target) throws PlatformException;

    /** Whether the target names a router at all. */
    static boolean routed(KubernetesTarget target) {
        return !blank(target.ingress()) || !blank(target.httpRoute());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
