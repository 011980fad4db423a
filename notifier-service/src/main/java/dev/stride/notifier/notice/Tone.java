package dev.stride.notifier.notice;

/** How a notice reads at a glance: the colour bar of its Slack message. */
public enum Tone {
    INFO("#439fe0"),
    GOOD("#2eb886"),
    WARNING("#daa038"),
    DANGER("#a30200");

    private final String colour;

    Tone(String colour) {
        this.colour = colour;
    }

    public String colour() {
        return colour;
    }
}
