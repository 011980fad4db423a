package dev.stride.notifier.notice;

/**
 * What a notice means for the public status page: open an incident there (investigating), or move the open one on
 * ({@code identified}, {@code monitoring}, {@code resolved}). {@code impact} is Statuspage's impact
 * ({@code none}, {@code minor}, {@code major}, {@code critical}) for an incident that is opened or escalated.
 */
public record StatusUpdate(Step step, String name, String impact) {

    public enum Step {
        /** Open an incident for the deployment unless one is open; a Stride incident on an open one escalates it. */
        OPEN,
        IDENTIFIED,
        MONITORING,
        /** The deployment ended; resolves unless a Stride incident is still open for it. */
        RESOLVED,
        /** The Stride incident was resolved: resolves. */
        INCIDENT_RESOLVED
    }
}
