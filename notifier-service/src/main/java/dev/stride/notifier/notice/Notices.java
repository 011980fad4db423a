package dev.stride.notifier.notice;

import dev.stride.events.CloudEvent;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.IncidentOpened;
import dev.stride.events.IncidentResolved;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.Severity;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Environment;
import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.events.spec.Metric;
import dev.stride.notifier.notice.StatusUpdate.Step;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns an event into what people are told: the runbook's messages (starting, in progress, paused and resumed, completed,
 * failed and rolling back, rollback initiated, rollback succeeded or failed, incident opened or resolved) and what the status page should do.
 * Pure: the facts about the deployment come in, the texts come from {@link NoticeTemplates}.
 */
public final class Notices {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private final NoticeTemplates templates;
    private final String deploymentLink;
    private final String incidentLink;
    private final EnvironmentCatalog environments;

    /** Notices for the runbook's environments. */
    public Notices(NoticeTemplates templates, String deploymentLink, String incidentLink) {
        this(templates, deploymentLink, incidentLink, EnvironmentCatalog.runbook());
    }

    /** Notices for the configured environments: the status page hears of the production tier's trouble. */
    public Notices(
            NoticeTemplates templates,
            String deploymentLink,
            String incidentLink,
            EnvironmentCatalog environments) {
        this.templates = templates;
        this.deploymentLink = deploymentLink;
        this.incidentLink = incidentLink;
        this.environments = environments;
    }

    // Of the production tier; an environment this Stride is not configured with is not (nothing
    // goes public
    // on a guess).
    private boolean production(String environment) {
        if (environment == null || !Environment.NAME.matcher(environment).matches()) {
            return false;
        }
        return environments
                .tier(Environment.fromWire(environment))
                .filter(t -> t == EnvironmentCatalog.Tier.PRODUCTION)
                .isPresent();
    }

    /** The notice for an event, or empty when it is not worth a message (a phase that passed). */
    public Optional<Notice> of(CloudEvent envelope, StrideEvent data, DeploymentFacts facts) {
        return of(envelope, data, facts, false);
    }

    /**
     * The notice for an event; {@code afterRollback} says the event's attempt has been rolled back, which makes a
     * MIGRATION phase's start and end those of the rollback's database restore (no other migration runs then).
     */
    public Optional<Notice> of(
            CloudEvent envelope, StrideEvent data, DeploymentFacts facts, boolean afterRollback) {
        Draft d = new Draft(envelope, data.deploymentId(), facts);
        Notice restore = afterRollback ? restore(d, data) : null;
        return Optional.ofNullable(restore != null ? restore : notice(d, data));
    }

    private static Notice restore(Draft d, StrideEvent data) {
        if (data instanceof PhaseStarted s && s.phaseType() == PhaseType.MIGRATION) {
            return d.phase(s.phase(), s.phaseType().name())
                    .kind("restore-started", "Database restore started", Tone.WARNING)
                    .notice();
        }
        if (data instanceof PhaseCompleted c && c.phaseType() == PhaseType.MIGRATION) {
            return c.outcome() == PhaseCompleted.Outcome.PASSED
                    ? d.phase(c.phase(), c.phaseType().name())
                            .put("detail", c.summary())
                            .kind("restore-done", "Database restore done", Tone.GOOD)
                            .notice()
                    : d.phase(c.phase(), c.phaseType().name())
                            .put("reason", c.summary())
                            .kind("restore-failed", "Database restore failed", Tone.DANGER)
                            .notice();
        }
        return null;
    }

    private Notice notice(Draft d, StrideEvent data) {
        if (data instanceof DeploymentRequested) {
            return d.kind("deployment-starting", "Deployment starting", Tone.INFO).notice();
        }
        if (data instanceof PhaseStarted s && s.phaseType() == PhaseType.MIGRATION) {
            return d.phase(s.phase(), s.phaseType().name())
                    .kind("migration-started", "Database migration started", Tone.INFO)
                    .notice();
        }
        if (data instanceof PhaseCompleted c && c.phaseType() == PhaseType.MIGRATION) {
            // The runbook's migration messages; the summary names the backup and the versions,
            // never a credential (the executor's messages mask the password, URLs lose their
            // query).
            return c.outcome() == PhaseCompleted.Outcome.PASSED
                    ? d.phase(c.phase(), c.phaseType().name())
                            .put("detail", c.summary())
                            .kind("migration-done", "Database migration done", Tone.GOOD)
                            .notice()
                    : d.phase(c.phase(), c.phaseType().name())
                            .put("reason", c.summary())
                            .kind("migration-failed", "Database migration failed", Tone.DANGER)
                            .notice();
        }
        if (data instanceof PhaseStarted s) {
            return d.phase(s.phase(), s.phaseType().name())
                    .weight(s.observedWeights() == null ? null : s.observedWeights().get("canary"))
                    .kind("deployment-in-progress", "Deployment in progress", Tone.INFO)
                    .notice();
        }
        if (data instanceof PhaseCompleted c) {
            return c.outcome() == PhaseCompleted.Outcome.PASSED
                    ? null
                    : d.phase(c.phase(), c.phaseType().name())
                            .put("reason", c.summary())
                            .kind(
                                    "deployment-failed",
                                    "Deployment failed, rolling back",
                                    Tone.DANGER)
                            .openInProduction("minor")
                            .notice();
        }
        if (data instanceof ThresholdBreached b) {
            return breach(d, b);
        }
        if (data instanceof DeploymentPaused p) {
            return d.phase(p.phase(), null)
                    .put("by", p.pausedBy())
                    .put("reason", p.reason())
                    .kind("deployment-paused", "Deployment paused", Tone.WARNING)
                    .notice();
        }
        if (data instanceof DeploymentResumed r) {
            return d.phase(r.phase(), null)
                    .put("by", r.resumedBy())
                    .kind("deployment-resumed", "Deployment resumed", Tone.INFO)
                    .notice();
        }
        if (data instanceof RollbackRequested r) {
            return d.put("requestedBy", r.requestedBy())
                    .put("reason", ownWords(r))
                    .kind("rollback-initiated", "Rollback initiated", Tone.WARNING)
                    .notice();
        }
        if (data instanceof RollbackCompleted r) {
            if (r.outcome() == RollbackCompleted.Outcome.SUCCEEDED
                    && d.facts.verificationDelay() != null) {
                // Stable is back, but the rollback completes only once it passes its verification.
                return d.put("detail", r.detail())
                        .put("delay", d.facts.verificationDelay())
                        .kind("rollback-restored", "Stable restored, verifying", Tone.WARNING)
                        .status(Step.MONITORING, null)
                        .notice();
            }
            return r.outcome() == RollbackCompleted.Outcome.SUCCEEDED
                    ? d.put("detail", r.detail())
                            .kind("rollback-succeeded", "Rollback succeeded", Tone.GOOD)
                            .status(Step.MONITORING, null)
                            .notice()
                    : d.put("detail", r.detail())
                            .kind("rollback-failed", "Rollback failed", Tone.DANGER)
                            .status(Step.IDENTIFIED, null)
                            .notice();
        }
        if (data instanceof DeploymentFinished f) {
            return finished(d, f);
        }
        if (data instanceof IncidentOpened o) {
            return d.incident(o.incidentId(), o.severity())
                    .facts(
                            new DeploymentFacts(
                                    o.application(),
                                    o.environment() == null ? null : o.environment().wireName(),
                                    null))
                    .put("title", o.title())
                    // A declared incident's cause is the person who declared it.
                    .put(
                            "cause",
                            o.declaredBy() == null
                                    ? o.cause()
                                    : "Declared by " + o.declaredBy() + ".")
                    .kind(
                            "incident-opened",
                            o.severity() + " incident opened",
                            severe(o.severity()) ? Tone.DANGER : Tone.WARNING)
                    .status(
                            severe(o.severity()) ? Step.OPEN : null,
                            impact(o.severity()),
                            o.title())
                    .notice();
        }
        if (data instanceof IncidentResolved r) {
            return d.incident(r.incidentId(), r.severity())
                    .put("resolution", r.resolution())
                    .kind("incident-resolved", r.severity() + " incident resolved", Tone.GOOD)
                    .status(severe(r.severity()) ? Step.INCIDENT_RESOLVED : null, null)
                    .notice();
        }
        return null;
    }

    /** The notice of a test message to a route. */
    public Notice test(CloudEvent envelope, String route, String message) {
        return new Draft(envelope, UUID.fromString(envelope.subject()), DeploymentFacts.UNKNOWN)
                .put("route", route)
                .put("message", message)
                .kind("test", "Test notification", Tone.INFO)
                .notice();
    }

    private Notice breach(Draft d, ThresholdBreached b) {
        boolean rollback = b.action() == ThresholdBreached.Action.AUTOMATIC_ROLLBACK;
        d.facts(
                new DeploymentFacts(
                        b.application(),
                        b.environment() == null ? null : b.environment().wireName(),
                        null));
        d.phase(b.phase(), null)
                .put("metric", b.metric())
                .put("observed", observed(b))
                .put("threshold", b.threshold())
                .put("window", b.window())
                .put(
                        "action",
                        switch (b.action()) {
                            case AUTOMATIC_ROLLBACK -> "Initiating rollback.";
                            case PAUSE -> "Deployment paused.";
                            case ALERT -> "No action taken.";
                        });
        d.kind(
                "threshold-breached",
                rollback ? "Rollback trigger fired" : "Threshold breached",
                rollback ? Tone.DANGER : Tone.WARNING);
        if (rollback) {
            d.openInProduction("minor");
        }
        return d.notice();
    }

    private Notice finished(Draft d, DeploymentFinished f) {
        d.facts(
                new DeploymentFacts(
                        f.application(),
                        f.environment() == null ? null : f.environment().wireName(),
                        f.version()));
        if (f.outcome() == DeploymentFinished.Outcome.SUCCEEDED) {
            return d.kind("deployment-completed", "Deployment completed", Tone.GOOD)
                    .status(Step.RESOLVED, null)
                    .notice();
        }
        String outcome =
                switch (f.outcome()) {
                    case ROLLED_BACK -> "rolled back";
                    case FAILED -> "failed";
                    case REJECTED -> "rejected";
                    case ABORTED -> "aborted";
                    case SUCCEEDED -> "completed";
                };
        d.put("outcome", outcome)
                .put("reason", f.reason())
                .kind(
                        "deployment-ended",
                        "Deployment " + outcome,
                        f.outcome() == DeploymentFinished.Outcome.FAILED
                                ? Tone.DANGER
                                : Tone.WARNING);
        return switch (f.outcome()) {
            case FAILED -> d.openInProduction("minor").notice();
            case ROLLED_BACK, ABORTED -> d.status(Step.RESOLVED, null).notice();
            default -> d.notice();
        };
    }

    /**
     * The reason as the requester gave it. The planner's reason for a rollback asked for through its API is
     * "rollback requested by <who>[: <their words>]"; the message names who already, so only their words remain
     * (none: "none given"). Any other reason (a breach, a failed phase, an incident, another system's) is kept whole.
     */
    static String ownWords(RollbackRequested r) {
        String reason = r.reason();
        if (reason == null || reason.isBlank()) {
            return null;
        }
        String prefix = "rollback requested by " + r.requestedBy();
        if (reason.equals(prefix)) {
            return null;
        }
        if (reason.startsWith(prefix + ": ")) {
            String words = reason.substring(prefix.length() + 2).strip();
            return words.isEmpty() ? null : words;
        }
        return reason;
    }

    private static boolean severe(Severity severity) {
        return severity == Severity.P0 || severity == Severity.P1;
    }

    private static String impact(Severity severity) {
        return switch (severity) {
            case P0 -> "critical";
            case P1 -> "major";
            case P2 -> "minor";
            case P3 -> "none";
        };
    }

    private static String observed(ThresholdBreached b) {
        if (b.observedValue() == null) {
            return null;
        }
        String number = BigDecimal.valueOf(b.observedValue()).stripTrailingZeros().toPlainString();
        return number + Metric.of(b.metric()).map(m -> m.unit().symbol()).orElse("");
    }

    /** A notice being put together. */
    private final class Draft {
        private final Map<String, Object> values = new HashMap<>();
        private final UUID deploymentId;
        private DeploymentFacts facts;
        private String kind;
        private String title;
        private Tone tone;
        private Integer phase;
        private Integer weight;
        private Severity severity;
        private UUID incidentId;
        private StatusUpdate status;

        Draft(CloudEvent envelope, UUID deploymentId, DeploymentFacts facts) {
            this.deploymentId = deploymentId;
            this.facts = facts;
            Instant time = envelope.time() == null ? Instant.now() : envelope.time();
            values.put("time", TIME.format(time));
            values.put("deploymentId", deploymentId.toString());
        }

        Draft facts(DeploymentFacts fromEvent) {
            facts = fromEvent.orElse(facts);
            return this;
        }

        Draft put(String key, Object value) {
            values.put(key, value);
            return this;
        }

        Draft phase(int index, String type) {
            phase = index;
            return put("phase", index).put("phaseType", type);
        }

        Draft weight(Integer canary) {
            weight = canary;
            return put("weight", canary);
        }

        Draft incident(UUID id, Severity level) {
            incidentId = id;
            severity = level;
            return put("incidentId", id.toString()).put("severity", level.name());
        }

        Draft kind(String name, String heading, Tone colour) {
            kind = name;
            title = heading;
            tone = colour;
            return this;
        }

        /** A deployment's trouble goes on the public status page only in the production tier. */
        Draft openInProduction(String impact) {
            return production(facts.environment()) ? status(Step.OPEN, impact) : this;
        }

        Draft status(Step step, String impact) {
            return status(step, impact, null);
        }

        Draft status(Step step, String impact, String name) {
            status = step == null ? null : new StatusUpdate(step, name, impact);
            return this;
        }

        Notice notice() {
            String application = facts.application();
            String environment = facts.environment();
            values.put(
                    "application",
                    application != null ? application : "deployment " + deploymentId);
            values.put("environment", environment != null ? environment : "an unknown environment");
            values.put("version", facts.version());
            String text = templates.render(kind, values);
            String heading =
                    application == null
                            ? title
                            : title
                                    + ": "
                                    + application
                                    + (facts.version() == null || incidentId != null
                                            ? ""
                                            : " " + facts.version());
            StatusUpdate update = status;
            if (update != null && update.name() == null && update.step() == Step.OPEN) {
                update =
                        new StatusUpdate(
                                update.step(),
                                "Degraded service: "
                                        + (application != null
                                                ? application
                                                : "deployment " + deploymentId)
                                        + (environment != null ? " (" + environment + ")" : ""),
                                update.impact());
            }
            return new Notice(
                    kind,
                    heading,
                    text,
                    tone,
                    application,
                    environment,
                    facts.version(),
                    phase,
                    weight,
                    severity,
                    incidentId,
                    "test".equals(kind)
                            ? null
                            : deploymentLink.replace("{deploymentId}", deploymentId.toString()),
                    incidentId == null
                            ? null
                            : incidentLink.replace("{incidentId}", incidentId.toString()),
                    update);
        }
    }
}
