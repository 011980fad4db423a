package dev.stride.executor.traffic.haproxy;

import dev.stride.events.spec.HaproxyTarget;
import dev.stride.executor.traffic.TrafficDriver;
import dev.stride.kit.runtime.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The HAProxy driver as a bean, with its runtime API deadlines; {@code TrafficDrivers} finds it by its target. */
public class HaproxyDriverProducers {

    @Produces
    @ApplicationScoped
    TrafficDriver<HaproxyTarget> haproxy(
            @ConfigProperty(name = "stride.haproxy.connect-timeout", defaultValue = "2s")
                    Duration connectTimeout,
            @ConfigProperty(name = "stride.haproxy.read-timeout", defaultValue = "5s")
                    Duration readTimeout) {
        return new HaproxyTrafficDriver(
                Settings.positive("stride.haproxy.connect-timeout", connectTimeout),
                Settings.positive("stride.haproxy.read-timeout", readTimeout));
    }
}
