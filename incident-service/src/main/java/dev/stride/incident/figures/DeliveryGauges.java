package dev.stride.incident.figures;

import dev.stride.kit.runtime.PeriodicJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The delivery figures as Prometheus gauges, per application and environment, over the trailing
 * {@code stride.incident.figures.window}, recomputed every {@code stride.incident.figures.refresh}. A figure with
 * nothing to compute it from reads NaN. The values live in PostgreSQL; every replica computes the same.
 */
@ApplicationScoped
public class DeliveryGauges {

    /** Gauge name, description, and how to read it from the figures. */
    private record Figure(
            String name, String description, Function<DeliveryFigures, Double> read) {}

    private static final List<Figure> FIGURES =
            List.of(
                    new Figure(
                            "stride.delivery.deployment.frequency.per.day",
                            "Successful deployments per day",
                            DeliveryFigures::deploymentFrequencyPerDay),
                    new Figure(
                            "stride.delivery.lead.time.seconds",
                            "Mean lead time for changes, commit to success",
                            DeliveryFigures::leadTimeForChangesSeconds),
                    new Figure(
                            "stride.delivery.change.failure.rate",
                            "Share of deployments rolled back, failed or causing an incident",
                            DeliveryFigures::changeFailureRate),
                    new Figure(
                            "stride.delivery.mttr.seconds",
                            "Mean time to recovery, incident opened to resolved",
                            DeliveryFigures::meanTimeToRecoverySeconds),
                    new Figure(
                            "stride.delivery.mean.time.to.deploy.seconds",
                            "Mean time from request to successful deployment",
                            DeliveryFigures::meanTimeToDeploySeconds),
                    new Figure(
                            "stride.delivery.success.rate",
                            "Share of finished deployments that succeeded",
                            DeliveryFigures::successRate));

    private final FiguresReads store;
    private final MeterRegistry registry;
    private final Duration window;
    private final PeriodicJob job;
    private final Map<String, DeliveryFigures> latest = new ConcurrentHashMap<>();

    public DeliveryGauges(
            FiguresReads store,
            MeterRegistry registry,
            Vertx vertx,
            @ConfigProperty(name = "stride.incident.figures.window", defaultValue = "30d")
                    Duration window,
            @ConfigProperty(name = "stride.incident.figures.refresh", defaultValue = "60s")
                    Duration refresh) {
        this.store = store;
        this.registry = registry;
        this.window = window;
        this.job =
                new PeriodicJob(
                        "Refreshing delivery gauges",
                        vertx,
                        refresh,
                        Duration.ofMinutes(1),
                        this::refresh);
    }

    void start(@Observes StartupEvent event) {
        job.start();
        job.runNow();
    }

    void stop(@Observes ShutdownEvent event) {
        job.stop();
    }

    /** Recomputes now (tests; the timer does it otherwise). */
    public Uni<Boolean> refresh() {
        Instant to = Instant.now();
        Instant from = to.minus(window);
        return store.seenSince(from)
                .flatMap(
                        pairs ->
                                Multi.createFrom()
                                        .iterable(pairs)
                                        .onItem()
                                        .transformToUniAndConcatenate(
                                                pair ->
                                                        store.figures(
                                                                        Optional.of(pair[0]),
                                                                        pair[1],
                                                                        from,
                                                                        to)
                                                                .invoke(
                                                                        figures ->
                                                                                publish(
                                                                                        pair[0],
                                                                                        pair[1],
                                                                                        figures)))
                                        .collect()
                                        .asList()
                                        .invoke(
                                                fresh -> {
                                                    // A pair with nothing left in the window keeps
                                                    // its gauges, reading what an empty window
                                                    // gives.
                                                    java.util.Set<String> seen =
                                                            new java.util.HashSet<>();
                                                    pairs.forEach(
                                                            pair ->
                                                                    seen.add(
                                                                            key(pair[0], pair[1])));
                                                    latest.replaceAll(
                                                            (key, old) ->
                                                                    seen.contains(key)
                                                                            ? old
                                                                            : DeliveryFigures
                                                                                    .compute(
                                                                                            old
                                                                                                    .application(),
                                                                                            old
                                                                                                    .environment(),
                                                                                            from,
                                                                                            to,
                                                                                            List
                                                                                                    .of(),
                                                                                            List
                                                                                                    .of()));
                                                })
                                        .replaceWith(false));
    }

    private static String key(String application, String environment) {
        return application + "\u0000" + environment;
    }

    private void publish(String application, String environment, DeliveryFigures figures) {
        String key = key(application, environment);
        if (latest.put(key, figures) == null) {
            for (Figure figure : FIGURES) {
                Gauge.builder(figure.name(), latest, all -> value(all.get(key), figure))
                        .description(figure.description() + " (trailing " + window + ")")
                        .tag("application", application)
                        .tag("environment", environment)
                        .strongReference(true)
                        .register(registry);
            }
        }
    }

    private static double value(DeliveryFigures figures, Figure figure) {
        Double value = figures == null ? null : figure.read().apply(figures);
        return value == null ? Double.NaN : value;
    }
}
