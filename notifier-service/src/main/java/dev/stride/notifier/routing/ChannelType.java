package dev.stride.notifier.routing;

/** The kinds of channel the notifier can deliver to. */
public enum ChannelType {
    SLACK, STATUSPAGE, WEBHOOK
}
