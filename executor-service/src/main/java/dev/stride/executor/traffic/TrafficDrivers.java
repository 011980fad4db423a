package dev.stride.executor.traffic;

import dev.stride.events.spec.Target;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the driver for a target by the target's type. Adding a platform is adding a driver bean (a
 * {@link TrafficDriver} produced in the platform's package), nothing else: no switch here or in the executor names
 * the platforms.
 */
@ApplicationScoped
public class TrafficDrivers {

    private final Map<Class<?>, TrafficDriver<?>> byTargetType = new HashMap<>();

    @Inject
    public TrafficDrivers(Instance<TrafficDriver<?>> drivers) {
        this(drivers.stream().toList());
    }

    public TrafficDrivers(List<? extends TrafficDriver<?>> drivers) {
        for (TrafficDriver<?> driver : drivers) {
            TrafficDriver<?> before = byTargetType.put(driver.targetType(), driver);
            if (before != null) {
                throw new IllegalStateException(
                        "two traffic drivers for "
                                + driver.targetType().getSimpleName()
                                + ": "
                                + before.getClass().getName()
                                + " and "
                                + driver.getClass().getName());
            }
        }
    }

    /** The target types there is a driver for, by simple name. */
    public Set<String> targetTypes() {
        Set<String> names = new TreeSet<>();
        byTargetType.keySet().forEach(type -> names.add(type.getSimpleName()));
        return names;
    }

    /** The driver for {@code target}, bound to it; empty when no driver serves its type. */
    public Optional<BoundDriver<?>> forTarget(Target target) {
        TrafficDriver<?> driver = byTargetType.get(target.getClass());
        return driver == null ? Optional.empty() : Optional.of(BoundDriver.bind(driver, target));
    }

    /** The endpoint the target's calls go to (the bulkhead key); the platform's name when no driver serves it. */
    public String endpoint(Target target) {
        return forTarget(target).map(BoundDriver::endpoint).orElse(target.platform());
    }
}
