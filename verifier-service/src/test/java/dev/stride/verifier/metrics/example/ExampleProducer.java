package dev.stride.verifier.metrics.example;

import dev.stride.verifier.metrics.MetricProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Registers the test-only {@link ExampleProvider} as a bean in the tests' application, as
 * {@code metrics/prometheus/PrometheusProducer} does for Prometheus: {@code MetricProviders} finds it by its type.
 */
public class ExampleProducer {

    /** The one instance the tests' application measures with; tests set its answers and read what it was asked. */
    public static final ExampleProvider PROVIDER = new ExampleProvider();

    @Produces
    @ApplicationScoped
    MetricProvider example() {
        return PROVIDER;
    }
}
