package dev.stride.notifier.channel;

import dev.stride.notifier.channel.slack.SlackChannel;
import dev.stride.notifier.channel.statuspage.StatuspageChannel;
import dev.stride.notifier.channel.statuspage.StatuspageIncidents;
import dev.stride.notifier.channel.webhook.WebhookChannel;
import dev.stride.notifier.channel.webhook.WebhookSignature;
import dev.stride.notifier.routing.ChannelType;
import dev.stride.notifier.routing.DeliverySettings;
import dev.stride.notifier.routing.NotifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured channels, built once: a plain factory picks the implementation by type. A channel that lacks what
 * its type needs stops the service at start, with a message that names the channel and the key, never a value.
 */
@ApplicationScoped
public class Channels {

    /**
     * A channel with what the sender needs to know about it; {@code endpoint} is the {@code host:port} its calls go
     * to, which channels on one host share (several Slack webhooks: hooks.slack.com:443).
     */
    public record Configured(String name, ChannelType type, NotificationChannel channel, Duration minInterval,
            String endpoint) {
    }

    private final Map<String, Configured> channels = new LinkedHashMap<>();
    private final Secrets secrets;

    public Channels(NotifierConfig config, StatuspageIncidents statuspageIncidents) {
        NotifierConfig.Delivery delivery = DeliverySettings.checked(config.delivery());
        HttpCalls http = new HttpCalls(delivery.connectTimeout(), delivery.requestTimeout());
        List<String> secretValues = new ArrayList<>();
        config.channels().forEach((name, c) -> {
            URI target = url(name, c.type() == ChannelType.STATUSPAGE ? "api-base" : "url",
                    c.type() == ChannelType.STATUSPAGE ? Optional.of(c.apiBase()) : c.url());
            NotificationChannel channel = switch (c.type()) {
                case SLACK -> new SlackChannel(name, target, http);
                case WEBHOOK -> new WebhookChannel(name, target, signature(name, c.secret()), http, Clock.systemUTC());
                case STATUSPAGE -> new StatuspageChannel(name, target.toString(),
                        required(name, "page-id", c.pageId()), required(name, "api-key", c.apiKey()),
                        c.components().orElse(List.of()), statuspageIncidents, http);
            };
            Duration pace = c.minInterval().orElse(c.type() == ChannelType.SLACK
                    ? delivery.slackMinInterval() : Duration.ZERO);
            if (pace.isNegative()) {
                throw new IllegalStateException("stride.notifier.channels." + name + ".min-interval must not be "
                        + "negative, was " + pace);
            }
            channels.put(name, new Configured(name, c.type(), channel, pace, HttpCalls.endpoint(target)));
            c.url().ifPresent(secretValues::add);
            c.secret().ifPresent(secretValues::add);
            c.apiKey().ifPresent(secretValues::add);
        });
        this.secrets = new Secrets(secretValues);
    }

    public Optional<Configured> get(String name) {
        return Optional.ofNullable(channels.get(name));
    }

    public Set<String> names() {
        return channels.keySet();
    }

    public Secrets secrets() {
        return secrets;
    }

    private static URI url(String channel, String key, Optional<String> value) {
        String url = required(channel, key, value);
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("channel " + channel + ": " + key + " is not an http(s) URL");
        }
    }

    private static WebhookSignature signature(String channel, Optional<String> secret) {
        try {
            return new WebhookSignature(required(channel, "secret", secret));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("channel " + channel + ": " + e.getMessage());
        }
    }

    private static String required(String channel, String key, Optional<String> value) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(
                "channel " + channel + " needs stride.notifier.channels." + channel + "." + key));
    }
}
