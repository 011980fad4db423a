package dev.stride.verifier.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the metric provider an analysis asks, by its type ({@code stride.verifier.provider}, fixed in the analysis's
 * spec when its phase was requested). Adding a provider (CloudWatch, Datadog) is adding a package with the provider
 * and the producer that makes it a {@link MetricProvider} bean, nothing else: no switch names the providers.
 */
@ApplicationScoped
public class MetricProviders {

    /** The provider of an analysis or check that names none (specs stored before providers were named). */
    public static final String DEFAULT = "prometheus";

    private final Map<String, MetricProvider> byType = new HashMap<>();

    @Inject
    public MetricProviders(Instance<MetricProvider> providers) {
        this(providers.stream().toList());
    }

    public MetricProviders(List<MetricProvider> providers) {
        for (MetricProvider provider : providers) {
            MetricProvider before = byType.put(provider.type(), provider);
            if (before != null) {
                throw new IllegalStateException(
                        "two metric providers of type "
                                + provider.type()
                                + ": "
                                + before.getClass().getName()
                                + " and "
                                + provider.getClass().getName());
            }
        }
    }

    /** The types there is a provider for. */
    public Set<String> types() {
        return Set.copyOf(byType.keySet());
    }

    /** The provider of {@code type} (null or blank: the default). */
    public Optional<MetricProvider> forType(String type) {
        return Optional.ofNullable(byType.get(type == null || type.isBlank() ? DEFAULT : type));
    }
}
