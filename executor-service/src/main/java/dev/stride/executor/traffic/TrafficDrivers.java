package dev.stride.executor.traffic;

import dev.stride.events.spec.Target;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Picks the driver for a target's platform. Adding a platform is adding a driver bean, nothing else. */
@ApplicationScoped
public class TrafficDrivers {

    private final Map<String, TrafficDriver> byPlatform = new HashMap<>();

    @Inject
    public TrafficDrivers(Instance<TrafficDriver> drivers) {
        this(drivers.stream().toList());
    }

    public TrafficDrivers(List<TrafficDriver> drivers) {
        for (TrafficDriver driver : drivers) {
            byPlatform.put(driver.platform(), driver);
        }
    }

    /** The platforms there is a driver for. */
    public java.util.Set<String> platforms() {
        return java.util.Set.copyOf(byPlatform.keySet());
    }

    public Optional<TrafficDriver> forTarget(Target target) {
        return Optional.ofNullable(byPlatform.get(target.platform()));
    }
}
