package dev.stride.notifier.channel.statuspage;

import dev.stride.notifier.channel.ChannelFactory;
import dev.stride.notifier.channel.ChannelSettings;
import dev.stride.notifier.channel.NotificationChannel;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * {@code type=statuspage}: needs {@code page-id} and {@code api-key}; {@code api-base} (default
 * https://api.statuspage.io) and {@code components} are optional. Its channels share the table of status-page
 * incidents ({@link StatuspageIncidents}).
 */
@ApplicationScoped
public class StatuspageChannelFactory implements ChannelFactory {

    private final StatuspageIncidents incidents;

    public StatuspageChannelFactory(StatuspageIncidents incidents) {
        this.incidents = incidents;
    }

    @Override
    public String type() {
        return "statuspage";
    }

    @Override
    public NotificationChannel create(ChannelSettings settings) {
        URI apiBase = settings.url("api-base", Optional.of(settings.config().apiBase()));
        return new StatuspageChannel(
                settings.name(),
                apiBase.toString(),
                settings.required("page-id", settings.config().pageId()),
                settings.required("api-key", settings.config().apiKey()),
                settings.config().components().orElse(List.of()),
                incidents,
                settings.http());
    }
}
