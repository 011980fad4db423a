package dev.stride.incident.paging;

import io.smallrye.mutiny.Uni;

/**
 * Pages on-call. One page per incident, keyed by {@link Page#dedupKey()}: triggering twice with one key is one page;
 * resolving closes it. A failure is a {@link PagerException} that says whether trying again may help.
 */
public interface Pager {

    /** Whether the pager can send at all (a routing key is configured). */
    boolean isConfigured();

    Uni<Void> send(Page page);
}
