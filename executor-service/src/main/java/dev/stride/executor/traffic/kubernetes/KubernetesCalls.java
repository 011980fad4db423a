package dev.stride.executor.traffic.kubernetes;

import dev.stride.executor.traffic.PlatformException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Turns the API server's refusals into {@link PlatformException}s carrying its own status message. Only the status
 * message and code are used, never the client's request description: nothing of the kubeconfig, token or headers
 * can leak into events or logs.
 */
final class KubernetesCalls {

    private KubernetesCalls() {}

    @FunctionalInterface
    interface Call<T> {
        T run();
    }

    @FunctionalInterface
    interface Action {
        void run();
    }

    static <T> T call(String what, Call<T> call) throws PlatformException {
        try {
            return call.run();
        } catch (KubernetesClientException e) {
            throw failure(what, e);
        }
    }

    static void run(String what, Action action) throws PlatformException {
        call(
                what,
                () -> {
                    action.run();
                    return null;
                });
    }

    static PlatformException failure(String what, KubernetesClientException e) {
        int code = e.getCode();
        if (code <= 0) {
            // No HTTP answer at all: connection refused, TLS or DNS failure, timeout. Worth
            // retrying.
            return new PlatformException(
                    what + ": the Kubernetes API server did not answer (" + rootCause(e) + ")",
                    true,
                    e);
        }
        String reason =
                e.getStatus() != null
                                && e.getStatus().getMessage() != null
                                && !e.getStatus().getMessage().isBlank()
                        ? e.getStatus().getMessage()
                        : "no reason given";
        // 409: another writer changed the object between our read and write; 429/5xx: the server is
        // busy or broken.
        boolean transientFailure = code >= 500 || code == 409 || code == 429 || code == 408;
        return new PlatformException(
                what + ": " + reason + " (HTTP " + code + ")", transientFailure, e);
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e
                ? "no connection"
                : cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
