package dev.stride.notifier.notice;

import dev.stride.events.Severity;
import java.util.UUID;

/**
 * What people are told about one event, channel-neutral: the rendered text of the runbook's message (a template of
 * {@code kind}), a short title, the facts a message shows as fields, links, and what it means for the status page
 * ({@code status}, absent when nothing). Stored with each delivery, so a retry sends what the event said.
 */
public record Notice(
        String kind,
        String title,
        String text,
        Tone tone,
        String application,
        String environment,
        String version,
        Integer phase,
        Integer weight,
        Severity severity,
        UUID incidentId,
        String deploymentUrl,
        String incidentUrl,
        StatusUpdate status) {}
