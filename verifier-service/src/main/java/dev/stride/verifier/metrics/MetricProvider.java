package dev.stride.verifier.metrics;

import io.smallrye.mutiny.Uni;
import java.time.Instant;

/**
 * A source of metrics (Flagger's provider has two methods; so does this). Implementations never fail the returned
 * Uni: what went wrong is a {@link Reading} of kind error, and an empty or NaN answer one of kind "no data". Each
 * provider lives in its own package with the producer that makes it a bean; {@link MetricProviders} finds it by
 * {@link #type()}.
 */
public interface MetricProvider {

    /** Evaluates {@code query} as of {@code at} on the configured default endpoint. */
    default Uni<Reading> measure(String query, Instant at) {
        return measure(null, query, at);
    }

    /**
     * Evaluates {@code query} as of {@code at} on {@code endpoint} (the provider's base URL; null: the configured
     * default) and reads one number from the answer, within the provider's timeout from the call (connecting, the
     * request and the whole answer).
     */
    Uni<Reading> measure(String endpoint, String query, Instant at);

    /** The provider's type, as configuration names it ({@code stride.verifier.provider}: {@code prometheus}). */
    String type();

    /**
     * The endpoint a query to {@code url} (an analysis's provider URL) counts against in the scheduler's bulkhead:
     * by default {@code scheme://host:port}, so one that does not answer holds only its share.
     */
    default String endpoint(String url) {
        return Endpoints.of(url);
    }
}
