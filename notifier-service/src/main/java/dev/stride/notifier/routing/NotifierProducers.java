package dev.stride.notifier.routing;

import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.notifier.config.NotifierConfig;
import dev.stride.notifier.notice.NoticeTemplates;
import dev.stride.notifier.notice.Notices;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The routes and the message texts, from configuration. Both are made at start-up, not at the first event, so a
 * route naming a channel that does not exist, or a template that does not parse, stops the start.
 */
public class NotifierProducers {

    private static final Logger LOG = Logger.getLogger(NotifierProducers.class);

    @Produces
    @Singleton
    Routes routes(NotifierConfig config, EnvironmentCatalog environments) {
        config.routes()
                .forEach(
                        (name, route) ->
                                route.environment()
                                        .filter(e -> !e.isBlank() && !e.equals("*"))
                                        .ifPresent(
                                                e -> {
                                                    try {
                                                        environments.require(e);
                                                    } catch (IllegalArgumentException bad) {
                                                        throw new IllegalStateException(
                                                                "stride.notifier.routes."
                                                                        + name
                                                                        + ".environment "
                                                                        + bad.getMessage());
                                                    }
                                                }));
        return checked(
                new Routes(config.routes(), config.onCall().channels().orElse(List.of())),
                config.channels()::containsKey);
    }

    /** {@code routes}, if every channel they name is {@code defined}. */
    static Routes checked(Routes routes, Predicate<String> defined) {
        for (String channel : routes.referencedChannels()) {
            if (!defined.test(channel)) {
                throw new IllegalStateException(
                        "a route names channel "
                                + channel
                                + ", which stride.notifier.channels does not define");
            }
        }
        return routes;
    }

    /** Builds the routes and the texts now (singletons are otherwise made when first used). */
    void validate(@Observes StartupEvent event, Routes routes, Notices notices) {
        LOG.infof("Routes: %s", routes.names());
    }

    @Produces
    @Singleton
    Notices notices(NotifierConfig config, EnvironmentCatalog environments) {
        return new Notices(
                new NoticeTemplates(config.templateDir().map(Path::of)),
                config.links().deployment(),
                config.links().incident(),
                environments);
    }
}
