package dev.stride.verifier.lab;

import dev.stride.testing.PrometheusUnderTest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A real Prometheus scraping {@link AppMetrics} every second, started before the application, which is pointed at
 * it with a 1 s measurement interval and a 5 s query window. Tests steer both through a field
 * {@code Function<String, Object> lab} (JDK types only, whatever class loader the test runs in): {@code healthy},
 * {@code failing}, {@code unhealthy} (/health answers 503), {@code app-down}, {@code app-up}, {@code prometheus-down}, {@code prometheus-up},
 * {@code first-failing-scrape} (an Instant or null), {@code query:<PromQL>} (Prometheus' JSON answer).
 */
public class PrometheusLab implements QuarkusTestResourceLifecycleManager {

    /** The query window: five scrapes, so a late scrape on a busy machine never leaves rate() short of samples. */
    public static final String WINDOW = "5s";

    private AppMetrics app;
    private PrometheusUnderTest prometheus;

    @Override
    public Map<String, String> start() {
        try {
            app = AppMetrics.start();
            prometheus = PrometheusUnderTest.start(List.of(app.target()), Duration.ofSeconds(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "stride.verifier.prometheus.url", prometheus.url(),
                // health_check_success_rate has no query here: the verifier probes the app.
                "stride.verifier.probe.url", "http://" + app.target() + "/health?version={version}",
                "stride.verifier.prometheus.timeout", "2s",
                "stride.verifier.interval", "1s",
                // Measured every 2 s, every 1 s while an incident is open for it.
                "stride.verifier.application.watched.interval", "2s",
                "stride.verifier.window", WINDOW,
                // The test-only second provider (metrics/example), for one application only.
                "stride.verifier.application.example-app.provider", "example",
                "stride.verifier.application.example-app.example.url", "example://answers.test",
                "stride.verifier.application.example-app.query.error_rate",
                        "errors of {application} at {version}");
    }

    @Override
    public void inject(TestInjector injector) {
        Function<String, Object> lab =
                command -> {
                    switch (command) {
                        case "healthy" -> {
                            app.failing(false);
                            app.unhealthy(false);
                        }
                        case "unhealthy" -> app.unhealthy(true);
                        case "failing" -> app.failing(true);
                        case "app-down" -> app.down();
                        case "app-up" -> {
                            try {
                                app.up();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                        case "prometheus-down" -> prometheus.stop();
                        case "prometheus-up" -> prometheus.start();
                        case "prometheus-pid" -> {
                            return prometheus.pid();
                        }
                        case "first-failing-scrape" -> {
                            return app.firstFailingScrape();
                        }
                        default -> {
                            if (command.startsWith("query:")) {
                                return prometheus.query(command.substring("query:".length()));
                            }
                            throw new IllegalArgumentException(command);
                        }
                    }
                    return null;
                };
        injector.injectIntoFields(lab, field -> field.getName().equals("lab"));
    }

    @Override
    public void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (app != null) {
            app.down();
        }
    }
}
