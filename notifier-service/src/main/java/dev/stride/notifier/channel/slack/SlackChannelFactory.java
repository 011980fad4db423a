package dev.stride.notifier.channel.slack;

import dev.stride.notifier.channel.ChannelFactory;
import dev.stride.notifier.channel.ChannelSettings;
import dev.stride.notifier.channel.NotificationChannel;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code type=slack}: needs {@code url}, the incoming-webhook URL (a secret: its path is the token). Paced by
 * {@code stride.notifier.delivery.slack-min-interval} unless the channel names its own {@code min-interval}.
 */
@ApplicationScoped
public class SlackChannelFactory implements ChannelFactory {

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public NotificationChannel create(ChannelSettings settings) {
        return new SlackChannel(
                settings.name(),
                settings.url("url", settings.config().url()),
                settings.http(),
                settings.delivery().slackMinInterval());
    }
}
