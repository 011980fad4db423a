package dev.stride.verifier.lab;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.function.Function;

/**
 * A loopback Prometheus that answers at once ({@link FakePrometheus}, for the applications {@code healthy} and
 * {@code twins}) and two black holes ({@link BlackHoles}) that the applications {@code stalled} (accepts, never
 * answers) and {@code unreachable} (never accepts) are pointed at, and a small pool (12 in flight, 3 per endpoint) so
 * that without the bulkhead the black holes would hold every slot; the 2 s query timeout, the 1 s interval and the
 * 5 s window are {@link PrometheusLab}'s. Only for the class that names it ({@code restrictToAnnotatedClass}). Tests
 * steer it through a field {@code Function<String, Object> isolation} (JDK types only): {@code asked} (the fake's
 * query counts),
 * {@code unreachable-hangs}, {@code silent-endpoint}, {@code unreachable-endpoint}.
 */
public class IsolationLab implements QuarkusTestResourceLifecycleManager {

    public static final int MAX_IN_FLIGHT = 12;
    public static final int ENDPOINT_SHARE = 3;

    private FakePrometheus prometheus;
    private BlackHoles holes;

    @Override
    public Map<String, String> start() {
        prometheus = FakePrometheus.start();
        holes = BlackHoles.open();
        // Only keys of its own: the tests' global resources (PrometheusLab) set the default
        // Prometheus, its 2 s
        // timeout, the 1 s interval and the 5 s window for every test, this one included.
        return Map.ofEntries(
                Map.entry("stride.verifier.max-in-flight", String.valueOf(MAX_IN_FLIGHT)),
                Map.entry("stride.verifier.endpoint-share", String.valueOf(ENDPOINT_SHARE)),
                Map.entry("stride.verifier.application.healthy.prometheus.url", prometheus.url()),
                Map.entry("stride.verifier.application.twins.prometheus.url", prometheus.url()),
                Map.entry("stride.verifier.application.stalled.prometheus.url", holes.silent()),
                Map.entry("stride.verifier.application.stalled.consecutive-error-limit", "1"),
                Map.entry(
                        "stride.verifier.application.unreachable.prometheus.url",
                        holes.unreachable()),
                Map.entry("stride.verifier.application.unreachable.consecutive-error-limit", "1"));
    }

    @Override
    public void inject(TestInjector injector) {
        Function<String, Object> lab =
                command ->
                        switch (command) {
                            case "asked" -> prometheus.asked();
                            case "unreachable-hangs" -> holes.unreachableHangs();
                            case "silent-endpoint" -> holes.silent();
                            case "unreachable-endpoint" -> holes.unreachable();
                            default -> throw new IllegalArgumentException(command);
                        };
        injector.injectIntoFields(lab, field -> field.getName().equals("isolation"));
    }

    @Override
    public void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (holes != null) {
            holes.close();
        }
    }
}
