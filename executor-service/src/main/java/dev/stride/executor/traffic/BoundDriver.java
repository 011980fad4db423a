package dev.stride.executor.traffic;

import dev.stride.events.spec.Target;
import java.util.Objects;

/**
 * A driver and a target of its type, checked once when bound: the executor's one typed entry point to a platform,
 * so nothing outside the driver casts a target.
 *
 * @param <T> the target type of the driver
 */
public final class BoundDriver<T extends Target> {

    private final TrafficDriver<T> driver;
    private final T target;

    private BoundDriver(TrafficDriver<T> driver, T target) {
        this.driver = driver;
        this.target = target;
    }

    /** Binds {@code target} to {@code driver}; fails if the target is not of the driver's type. */
    public static <T extends Target> BoundDriver<T> bind(TrafficDriver<T> driver, Target target) {
        Objects.requireNonNull(target, "target");
        return new BoundDriver<>(driver, driver.targetType().cast(target));
    }

    public void apply(TrafficAction action) throws PlatformException {
        driver.apply(target, action);
    }

    public void hold() throws PlatformException {
        driver.hold(target);
    }

    public void maintenance(boolean on) throws PlatformException {
        driver.maintenance(target, on);
    }

    public LiveState read() throws PlatformException {
        return driver.read(target);
    }

    public String endpoint() {
        return driver.endpoint(target);
    }
}
