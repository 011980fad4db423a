package dev.stride.notifier.channel.example;

import dev.stride.notifier.channel.Delivery;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the example channels were sent, in the order they were sent it. */
@ApplicationScoped
public class ExampleInbox {

    private final List<Delivery> received = new CopyOnWriteArrayList<>();

    public void receive(Delivery delivery) {
        received.add(delivery);
    }

    public List<Delivery> received() {
        return List.copyOf(received);
    }
}
