package dev.stride.events;

/** The runbook's incident levels. */
public enum Severity {
    /** Complete service outage, data loss risk. */
    P0,
    /** Major functionality impacted, significant user impact. */
    P1,
    /** Minor functionality impacted, limited user impact. */
    P2,
    /** Cosmetic issues, no user impact. */
    P3
}
