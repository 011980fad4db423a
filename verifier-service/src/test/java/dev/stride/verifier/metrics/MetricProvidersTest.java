package dev.stride.verifier.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry finds a provider by its type, without a switch; the default is Prometheus. */
class MetricProvidersTest {

    @Test
    void findsEachProviderByTypeAndPrometheusWhenNoneIsNamed() {
        MetricProvider prometheus = provider("prometheus");
        MetricProvider other = provider("other");
        MetricProviders providers = new MetricProviders(List.of(prometheus, other));

        assertThat(providers.forType("other")).containsSame(other);
        assertThat(providers.forType(null)).containsSame(prometheus);
        assertThat(providers.forType(" ")).containsSame(prometheus);
        assertThat(providers.forType("datadog")).isEmpty();
        assertThat(providers.types()).containsExactlyInAnyOrder("prometheus", "other");
    }

    @Test
    void twoProvidersOfOneTypeAreRefused() {
        assertThatThrownBy(
                        () ->
                                new MetricProviders(
                                        List.of(provider("prometheus"), provider("prometheus"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two metric providers of type " + "prometheus");
    }

    @Test
    void aProviderCountsAgainstItsUrlsHostAndPortByDefault() {
        assertThat(provider("x").endpoint("https://user:secret@prom.example/p?token=a"))
                .isEqualTo("https://prom.example:443");
    }

    private static MetricProvider provider(String type) {
        return new MetricProvider() {
            @Override
            public Uni<Reading> measure(String endpoint, String query, Instant at) {
                return Uni.createFrom().item(Reading.noData("test"));
            }

            @Override
            public String type() {
                return type;
            }
        };
    }
}
