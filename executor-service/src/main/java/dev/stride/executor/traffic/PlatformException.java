package dev.stride.executor.traffic;

/**
 * A platform refused or failed a call. The message is the platform's own reason, fit for events and logs: it
 * never holds credentials or tokens. {@code transient} failures (connection refused, timeout) may be retried.
 */
public class PlatformException extends Exception {

    private final boolean transientFailure;

    public PlatformException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public PlatformException(String message, boolean transientFailure) {
        this(message, transientFailure, null);
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
