package dev.stride.notifier.channel.example;

import dev.stride.notifier.channel.ChannelFactory;
import dev.stride.notifier.channel.ChannelSettings;
import dev.stride.notifier.channel.NotificationChannel;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code type=example}: needs nothing but its name. A bean like the real factories, so the registry
 * ({@code ChannelFactories}) finds it with no line changed outside this package.
 */
@ApplicationScoped
public class ExampleChannelFactory implements ChannelFactory {

    static final String TYPE = "example";

    private final ExampleInbox inbox;

    public ExampleChannelFactory(ExampleInbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public NotificationChannel create(ChannelSettings settings) {
        return new ExampleChannel(settings.name(), inbox);
    }
}
