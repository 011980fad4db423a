package dev.stride.notifier.channel;

/** What a channel did with a delivery: sent it, or had nothing to do ({@code skipped}); {@code detail} is for people. */
public record Sent(boolean skipped, String detail) {

    public static Sent sent(String detail) {
        return new Sent(false, detail);
    }

    public static Sent skipped(String reason) {
        return new Sent(true, reason);
    }
}
