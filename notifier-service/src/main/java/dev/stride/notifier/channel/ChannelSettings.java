package dev.stride.notifier.channel;

import dev.stride.notifier.config.NotifierConfig;
import java.net.URI;
import java.util.Optional;

/**
 * What a {@link ChannelFactory} gets to make one channel: its name, its {@code stride.notifier.channels.<name>.*}
 * values, the delivery settings (checked), and the HTTP client every channel shares (with the configured connect and
 * request timeouts). The helpers refuse a missing or unusable value with a message that names the key, never the
 * value (which may be a secret).
 */
public record ChannelSettings(
        String name,
        NotifierConfig.Channel config,
        NotifierConfig.Delivery delivery,
        HttpCalls http) {

    /** {@code value}, which must be present and not blank. */
    public String required(String key, Optional<String> value) {
        return value.filter(v -> !v.isBlank())
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "channel "
                                                + name
                                                + " needs stride.notifier.channels."
                                                + name
                                                + "."
                                                + key));
    }

    /** {@code value} as an absolute http(s) URL with a host. */
    public URI url(String key, Optional<String> value) {
        String url = required(key, value);
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "channel " + name + ": " + key + " is not an http(s) URL");
        }
    }
}
