package dev.stride.executor.traffic;

import dev.stride.executor.traffic.haproxy.HaproxyTrafficDriver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The platform drivers as beans; {@link TrafficDrivers} finds each by its platform. */
public class DriverProducers {

    @Produces
    @ApplicationScoped
    TrafficDriver haproxy(
            @ConfigProperty(name = "stride.haproxy.connect-timeout", defaultValue = "2s") Duration connectTimeout,
            @ConfigProperty(name = "stride.haproxy.read-timeout", defaultValue = "5s") Duration readTimeout) {
        return new HaproxyTrafficDriver(connectTimeout, readTimeout);
    }
}
