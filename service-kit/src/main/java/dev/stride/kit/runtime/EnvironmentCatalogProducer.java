package dev.stride.kit.runtime;

import dev.stride.events.spec.EnvironmentCatalog;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every service's {@link EnvironmentCatalog}, read once from {@code stride.environments} (the kit's default is the
 * runbook's three). A bad value stops the service at start with a message naming the key.
 */
public class EnvironmentCatalogProducer {

    @Produces
    @Singleton
    EnvironmentCatalog catalog(
            @ConfigProperty(
                            name = EnvironmentCatalog.KEY,
                            defaultValue = EnvironmentCatalog.RUNBOOK)
                    String value) {
        return EnvironmentCatalog.parse(value);
    }
}
