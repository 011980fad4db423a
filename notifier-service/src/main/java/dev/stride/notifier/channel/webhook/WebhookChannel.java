package dev.stride.notifier.channel.webhook;

import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.channel.HttpCalls;
import dev.stride.notifier.channel.NotificationChannel;
import dev.stride.notifier.channel.Sent;
import dev.stride.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.util.Optional;

/**
 * A generic webhook: the CloudEvent as it arrived, as JSON, signed as Standard Webhooks do. {@code webhook-id} is the
 * event id, the same on every attempt, so a receiver can drop a repeat. Webhooks hear every event, message or not.
 */
public final class WebhookChannel implements NotificationChannel {

    private final String name;
    private final URI url;
    private final WebhookSignature signature;
    private final HttpCalls http;
    private final Clock clock;

    public WebhookChannel(
            String name, URI url, WebhookSignature signature, HttpCalls http, Clock clock) {
        this.name = name;
        this.url = url;
        this.signature = signature;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public boolean carries(Optional<Notice> notice) {
        return true;
    }

    @Override
    public String endpoint() {
        return HttpCalls.endpoint(url);
    }

    @Override
    public Uni<Sent> send(Delivery delivery) {
        String id = delivery.eventId().toString();
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request =
                http.request()
                        .uri(url)
                        .header("Content-Type", "application/cloudevents+json; charset=UTF-8")
                        .header("webhook-id", id)
                        .header("webhook-timestamp", Long.toString(timestamp))
                        .header(
                                "webhook-signature",
                                signature.sign(id, timestamp, delivery.event()))
                        .POST(HttpRequest.BodyPublishers.ofString(delivery.event()))
                        .build();
        return http.send(request, "webhook " + name)
                .map(response -> Sent.sent("delivered, HTTP " + response.statusCode()));
    }
}
