package dev.stride.notifier.channel.webhook;

import dev.stride.notifier.channel.ChannelFactory;
import dev.stride.notifier.channel.ChannelSettings;
import dev.stride.notifier.channel.NotificationChannel;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;

/** {@code type=webhook}: needs {@code url}, the receiver's, and {@code secret}, {@code whsec_<base64>}. */
@ApplicationScoped
public class WebhookChannelFactory implements ChannelFactory {

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public NotificationChannel create(ChannelSettings settings) {
        URI url = settings.url("url", settings.config().url());
        return new WebhookChannel(
                settings.name(), url, signature(settings), settings.http(), Clock.systemUTC());
    }

    private static WebhookSignature signature(ChannelSettings settings) {
        String secret = settings.required("secret", settings.config().secret());
        try {
            return new WebhookSignature(secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("channel " + settings.name() + ": " + e.getMessage());
        }
    }
}
