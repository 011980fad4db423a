package dev.stride.notifier.channel;

/**
 * Makes the channels of one kind from their configuration. Each kind of channel has one, in the channel's own
 * package, as a CDI bean; {@link ChannelFactories} finds them all, so adding a kind of channel is adding a package
 * (the channel and its factory), nothing else.
 */
public interface ChannelFactory {

    /** The value of {@code stride.notifier.channels.<name>.type} that picks this kind, in lower case. */
    String type();

    /**
     * One configured channel. A value the kind needs that is absent or unusable throws an
     * {@link IllegalStateException} naming the channel and the key, never the value ({@link ChannelSettings} helps).
     */
    NotificationChannel create(ChannelSettings settings);
}
