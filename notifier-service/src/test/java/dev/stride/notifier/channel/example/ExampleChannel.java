package dev.stride.notifier.channel.example;

import dev.stride.notifier.channel.Delivery;
import dev.stride.notifier.channel.NotificationChannel;
import dev.stride.notifier.channel.Sent;
import dev.stride.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * A channel that exists only in the tests, to show that a new kind of channel is one package: it keeps what it is
 * sent in an {@link ExampleInbox} instead of calling out. It carries the events that make a message (as Slack does),
 * takes test messages, and is not paced unless its configuration says so (the interface's defaults).
 */
final class ExampleChannel implements NotificationChannel {

    private final String name;
    private final ExampleInbox inbox;

    ExampleChannel(String name, ExampleInbox inbox) {
        this.name = name;
        this.inbox = inbox;
    }

    @Override
    public Uni<Sent> send(Delivery delivery) {
        inbox.receive(delivery);
        return Uni.createFrom().item(Sent.sent("kept in the example inbox of " + name));
    }

    @Override
    public boolean carries(Optional<Notice> notice) {
        return notice.isPresent();
    }

    /** No calls out; its own endpoint, so it shares no bulkhead slots with a real one. */
    @Override
    public String endpoint() {
        return "example.invalid:0";
    }
}
