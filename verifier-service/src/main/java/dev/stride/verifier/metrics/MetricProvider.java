package dev.stride.verifier.metrics;

import io.smallrye.mutiny.Uni;
import java.time.Instant;

/**
 * A source of metrics (Flagger's provider has two methods; so does this). Implementations never fail the returned
 * Uni: what went wrong is a {@link Reading} of kind error, and an empty or NaN answer one of kind "no data".
 */
public interface MetricProvider {

    /** Evaluates {@code query} as of {@code at} and reads one number from the answer. */
    Uni<Reading> measure(String query, Instant at);

    /** The provider's type, as deployments and configuration name it ({@code prometheus}). */
    String type();
}
