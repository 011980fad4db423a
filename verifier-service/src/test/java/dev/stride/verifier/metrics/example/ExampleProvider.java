package dev.stride.verifier.metrics.example;

import dev.stride.verifier.metrics.MetricProvider;
import dev.stride.verifier.metrics.Reading;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A second metric provider, test-only, proving that a provider is one package: this class and its producer
 * ({@link ExampleProducer}), nothing anywhere else. It answers each query with the value a test set for it ("no data"
 * when none), from memory, and remembers what it was asked. An application picks it with
 * {@code stride.verifier.application.<app>.provider=example} and {@code ...example.url}.
 */
public final class ExampleProvider implements MetricProvider {

    public static final String TYPE = "example";

    private final Map<String, Double> answers = new ConcurrentHashMap<>();
    private final List<Asked> asked = new CopyOnWriteArrayList<>();

    /** From now on, {@code query} reads {@code value}. */
    public void answer(String query, double value) {
        answers.put(query, value);
    }

    /** Every query asked so far, with the URL it was asked at. */
    public List<Asked> asked() {
        return List.copyOf(asked);
    }

    @Override
    public Uni<Reading> measure(String endpoint, String query, Instant at) {
        asked.add(new Asked(endpoint, query, at));
        Double value = answers.get(query);
        return Uni.createFrom()
                .item(
                        value == null
                                ? Reading.noData("no answer for " + query)
                                : Reading.value(value));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** One query as the provider received it. */
    public record Asked(String endpoint, String query, Instant at) {}
}
