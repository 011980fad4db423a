package dev.stride.incident.paging;

/** The pager did not take a page; {@code transientFailure} when a later try may succeed (timeouts, 429, 5xx). */
public class PagerException extends RuntimeException {

    private final boolean transientFailure;

    public PagerException(String message, boolean transientFailure) {
        super(message, null, false, false);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
