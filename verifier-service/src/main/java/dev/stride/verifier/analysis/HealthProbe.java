package dev.stride.verifier.analysis;

import java.time.Duration;

/**
 * How the verifier measures {@code health_check_success_rate} itself when no query is configured for it: each
 * measurement sends {@code count} GETs to the release's health endpoint at once and reports the percentage that
 * answered 2xx within {@code timeout}. A refused connection, a timeout or any other status is a failed probe, so an
 * endpoint that is down reads 0%, never "no data".
 *
 * @param url the rendered health URL of the release ({@code stride.verifier.probe.url})
 * @param count probes per measurement ({@code probe.count}, 1 to 20)
 * @param timeout the deadline of each probe, connecting and the whole answer ({@code probe.timeout})
 */
public record HealthProbe(String url, int count, Duration timeout) {}
