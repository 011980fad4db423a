package dev.stride.notifier.channel.slack;

import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.channel.HttpCalls;
import dev.stride.notifier.channel.NotificationChannel;
import dev.stride.notifier.channel.Sent;
import io.smallrye.mutiny.Uni;
import java.net.URI;
import java.net.http.HttpRequest;

/** A Slack incoming webhook: one Block Kit message per notice. Slack answers {@code ok}, or 429 with Retry-After. */
public final class SlackChannel implements NotificationChannel {

    private final String name;
    private final URI webhook;
    private final HttpCalls http;

    public SlackChannel(String name, URI webhook, HttpCalls http) {
        this.name = name;
        this.webhook = webhook;
        this.http = http;
    }

    @Override
    public Uni<Sent> send(Delivery delivery) {
        if (delivery.notice() == null) {
            return Uni.createFrom().item(Sent.skipped("no message for " + delivery.eventType()));
        }
        String body = SlackMessage.of(delivery.notice()).toString();
        HttpRequest request = http.request().uri(webhook)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, "Slack channel " + name).map(response -> Sent.sent("posted to Slack"));
    }
}
