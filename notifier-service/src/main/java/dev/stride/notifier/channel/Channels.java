package dev.stride.notifier.channel;

import dev.stride.notifier.config.DeliverySettings;
import dev.stride.notifier.config.NotifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured channels, built once: each by the {@link ChannelFactory} its {@code type} names (found by
 * {@link ChannelFactories}). A channel of an unknown type, or lacking what its type needs, stops the service at
 * start, with a message that names the channel and the key, never a value.
 */
@ApplicationScoped
public class Channels {

    /**
     * A channel with what the sender needs to know about it; {@code type} is its factory's, {@code endpoint} the
     * {@code host:port} its calls go to, which channels on one host share (several Slack webhooks: hooks.slack.com:443).
     */
    public record Configured(
            String name,
            String type,
            NotificationChannel channel,
            Duration minInterval,
            String endpoint) {}

    private final Map<String, Configured> channels = new LinkedHashMap<>();
    private final Secrets secrets;

    public Channels(NotifierConfig config, ChannelFactories factories) {
        NotifierConfig.Delivery delivery = DeliverySettings.checked(config.delivery());
        HttpCalls http = new HttpCalls(delivery.connectTimeout(), delivery.requestTimeout());
        List<String> secretValues = new ArrayList<>();
        config.channels()
                .forEach(
                        (name, c) -> {
                            ChannelFactory factory =
                                    factories
                                            .forType(c.type())
                                            .orElseThrow(
                                                    () ->
                                                            new IllegalStateException(
                                                                    "channel "
                                                                            + name
                                                                            + ": stride.notifier.channels."
                                                                            + name
                                                                            + ".type must be one of "
                                                                            + factories.types()
                                                                            + ", was '"
                                                                            + c.type()
                                                                            + "'"));
                            NotificationChannel channel =
                                    factory.create(new ChannelSettings(name, c, delivery, http));
                            Duration pace = c.minInterval().orElse(channel.defaultMinInterval());
                            if (pace.isNegative()) {
                                throw new IllegalStateException(
                                        "stride.notifier.channels."
                                                + name
                                                + ".min-interval must not be "
                                                + "negative, was "
                                                + pace);
                            }
                            channels.put(
                                    name,
                                    new Configured(
                                            name,
                                            factory.type(),
                                            channel,
                                            pace,
                                            channel.endpoint()));
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
}
