package dev.stride.verifier.metrics.prometheus;

import dev.stride.verifier.metrics.MetricProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The Prometheus provider as a bean; {@link dev.stride.verifier.metrics.MetricProviders} finds it by its type. */
public class PrometheusProducer {

    @Produces
    @ApplicationScoped
    MetricProvider prometheus(
            @ConfigProperty(
                            name = "stride.verifier.prometheus.url",
                            defaultValue = "http://localhost:9090")
                    String url,
            @ConfigProperty(name = "stride.verifier.prometheus.timeout", defaultValue = "5s")
                    Duration timeout,
            @ConfigProperty(name = "stride.verifier.prometheus.bearer-token-file")
                    Optional<String> tokenFile,
            @ConfigProperty(name = "stride.verifier.prometheus.ca-file") Optional<String> caFile) {
        return new PrometheusProvider(url, timeout, tokenFile, caFile);
    }
}
