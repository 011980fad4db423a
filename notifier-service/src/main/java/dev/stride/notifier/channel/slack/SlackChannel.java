package dev.stride.notifier.channel.slack;

import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.channel.HttpCalls;
import dev.stride.notifier.channel.NotificationChannel;
import dev.stride.notifier.channel.Sent;
import dev.stride.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * A Slack incoming webhook: one Block Kit message per notice. Slack answers {@code ok}, or 429 with Retry-After. It
 * hears only the events that make a message, and is paced by default (Slack allows about one message a second per
 * webhook).
 */
public final class SlackChannel implements NotificationChannel {

    private final String name;
    private final URI webhook;
    private final HttpCalls http;
    private final Duration defaultMinInterval;

    public SlackChannel(String name, URI webhook, HttpCalls http, Duration defaultMinInterval) {
        this.name = name;
        this.webhook = webhook;
        this.http = http;
        this.defaultMinInterval = defaultMinInterval;
    }

    @Override
    public boolean carries(Optional<Notice> notice) {
        return notice.isPresent();
    }

    @Override
    public String endpoint() {
        return HttpCalls.endpoint(webhook);
    }

    /** {@code stride.notifier.delivery.slack-min-interval}. */
    @Override
    public Duration defaultMinInterval() {
        return defaultMinInterval;
    }

    @Override
    public Uni<Sent> send(Delivery delivery) {
        if (delivery.notice() == null) {
            return Uni.createFrom().item(Sent.skipped("no message for " + delivery.eventType()));
        }
        String body = SlackMessage.of(delivery.notice()).toString();
        HttpRequest request =
                http.request()
                        .uri(webhook)
                        .header("Content-Type", "application/json; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
        return http.send(request, "Slack channel " + name)
                .map(response -> Sent.sent("posted to Slack"));
    }
}
