package dev.stride.notifier.routing;

import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.notice.NoticeTemplates;
import dev.stride.notifier.notice.Notices;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;

/** The routes and the message texts, from configuration; a route naming a channel that does not exist stops the start. */
public class NotifierProducers {

    @Produces
    @Singleton
    Routes routes(NotifierConfig config, Channels channels) {
        Routes routes = new Routes(config.routes(), config.onCall().channels().orElse(List.of()));
        for (String channel : routes.referencedChannels()) {
            if (channels.get(channel).isEmpty()) {
                throw new IllegalStateException("a route names channel " + channel
                        + ", which stride.notifier.channels does not define");
            }
        }
        return routes;
    }

    @Produces
    @Singleton
    Notices notices(NotifierConfig config) {
        return new Notices(new NoticeTemplates(config.templateDir().map(Path::of)), config.links().deployment(),
                config.links().incident());
    }
}
