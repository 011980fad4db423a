package dev.stride.planner.machine;

import static dev.stride.planner.machine.DeploymentStatus.ABORTED;
import static dev.stride.planner.machine.DeploymentStatus.AWAITING_APPROVAL;
import static dev.stride.planner.machine.DeploymentStatus.IN_PROGRESS;
import static dev.stride.planner.machine.DeploymentStatus.PAUSED;
import static dev.stride.planner.machine.DeploymentStatus.REJECTED;
import static dev.stride.planner.machine.DeploymentStatus.REQUESTED;
import static dev.stride.planner.machine.DeploymentStatus.ROLLBACK_FAILED;
import static dev.stride.planner.machine.DeploymentStatus.ROLLED_BACK;
import static dev.stride.planner.machine.DeploymentStatus.ROLLING_BACK;
import static dev.stride.planner.machine.DeploymentStatus.SUCCEEDED;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.Durations;
import dev.stride.kit.security.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployment state machine of ARCHITECTURE.md, as pure code: each input takes a {@link DeploymentState} and
 * gives a {@link Step}. Every method is a flat run of guards with early returns; each is safe to apply again
 * (a duplicate or stale input changes nothing), and none reads a clock or a database, so tests drive it event
 * by event.
 */
public final class DeploymentMachine {

    static final String PLANNER = "planner";

    private final Duration deadlineMargin;

    /** @param deadlineMargin how long a phase may take beyond its hold (or to start at all) before it fails */
    public DeploymentMachine(Duration deadlineMargin) {
        this.deadlineMargin = deadlineMargin;
    }

    // ---- Admission, approvals, queue
    // ------------------------------------------------------------------------

    /** A new deployment that passed the progression rules: wait for approvals, wait in the queue, or start. */
    public Step admit(DeploymentState s, boolean anotherActive, Instant now) {
        if (s.status() != REQUESTED || s.currentPhase() >= 0 || s.phases().isEmpty()) {
            return Step.ignored(s);
        }
        Transition t = new Transition(s, now);
        t.log(
                s.request().requestedBy(),
                "requested",
                s.request().deployment().strategy()
                        + " of "
                        + s.request().version()
                        + " to "
                        + s.request().environment().wireName());
        if (s.approvals().size() < s.requiredApprovals()) {
            t.status(AWAITING_APPROVAL, null);
            t.log(
                    PLANNER,
                    "awaiting-approval",
                    s.requiredApprovals()
                            + " approval(s) needed from someone other than "
                            + s.request().requestedBy());
            return t.step();
        }
        return anotherActive ? t.queued().step() : t.start().step();
    }

    /** A deployment the progression rules refuse (a Kafka request; REST callers get a 409 instead). */
    public Step reject(DeploymentState s, String why, Instant now) {
        if (s.status() != REQUESTED || s.currentPhase() >= 0) {
            return Step.ignored(s);
        }
        Transition t = new Transition(s, now);
        t.log(
                s.request().requestedBy(),
                "requested",
                s.request().version() + " to " + s.request().environment().wireName());
        return t.finish(REJECTED, DeploymentFinished.Outcome.REJECTED, PLANNER, why).step();
    }

    public Step approve(
            DeploymentState s,
            String approver,
            String comment,
            boolean anotherActive,
            Instant now) {
        if (s.status() == ROLLING_BACK
                && s.verification() == RollbackVerification.RESTORE_APPROVAL) {
            return approveRestore(s, approver, comment, now);
        }
        if (s.status() != AWAITING_APPROVAL) {
            return Step.refused(
                    s,
                    "only a deployment in AWAITING_APPROVAL can be approved; this one is "
                            + s.status());
        }
        String who = Caller.comparable(approver);
        if (who.equals(Caller.comparable(s.request().requestedBy()))) {
            return Step.forbidden(
                    s, "the requester (" + approver + ") cannot approve their own deployment");
        }
        if (s.approvals().stream().map(Caller::comparable).anyMatch(who::equals)) {
            return Step.refused(s, approver + " has already approved this deployment");
        }
        Transition t = new Transition(s.withApproval(approver), now);
        t.log(approver, "approved", comment);
        if (t.state.approvals().size() < s.requiredApprovals()) {
            return t.step();
        }
        t.status(REQUESTED, null);
        return anotherActive ? t.queued().step() : t.start().step();
    }

    /** The deployment ahead in the queue ended: start this one if it is still waiting. */
    public Step dequeue(DeploymentState s, Instant now) {
        if (s.status() != REQUESTED
                || s.currentPhase() >= 0
                || s.approvals().size() < s.requiredApprovals()
                || s.phases().isEmpty()) {
            return Step.ignored(s);
        }
        return new Transition(s, now).start().step();
    }

    // ---- Events from the executor and the verifier
    // -----------------------------------------------------------

    public Step phaseStarted(DeploymentState s, PhaseStarted e, String actor, Instant now) {
        if (!isCurrent(s, e.attempt(), e.phase())
                || !s.status().isActive()
                || s.status() == ROLLING_BACK) {
            return Step.ignored(s);
        }
        PhaseState phase = s.current().orElseThrow();
        if (phase.status() != PhaseStatus.REQUESTED) {
            return Step.ignored(s);
        }
        Instant at = e.observedAt() == null ? now : e.observedAt();
        Transition t = new Transition(s, now);
        t.phase(phase.running(at, s.status() == PAUSED ? null : finishDeadline(phase, at)));
        t.log(actor, "phase-started", describe(phase) + observed(e.observedWeights()));
        return t.step();
    }

    public Step phaseCompleted(DeploymentState s, PhaseCompleted e, String actor, Instant now) {
        if (isVerification(s, e.attempt(), e.phase())) {
            return verified(s, e, actor, now);
        }
        if (isRestore(s, e.attempt(), e.phase())) {
            return databaseRestored(s, e, actor, now);
        }
        if (!isCurrent(s, e.attempt(), e.phase())
                || !s.status().isActive()
                || s.status() == ROLLING_BACK) {
            return Step.ignored(s);
        }
        PhaseState phase = s.current().orElseThrow();
        if (phase.status().isDone()) {
            return Step.ignored(s);
        }
        Transition t = new Transition(s, now);
        if (e.outcome() == PhaseCompleted.Outcome.FAILED) {
            t.phase(phase.done(PhaseStatus.FAILED, now, e.summary()));
            t.log(actor, "phase-failed", describe(phase) + suffix(e.summary()));
            if (phase.plan().type() == dev.stride.events.PhaseType.MIGRATION) {
                // Nothing to roll back: before traffic nothing moved (a failing script rolled back
                // on
                // its own), and after finalize the new version runs on the expanded schema it
                // needs.
                skipRest(t, t.state, "the database migration failed");
                boolean beforeTraffic = !trafficMoved(s);
                return t.finish(
                                DeploymentStatus.FAILED,
                                DeploymentFinished.Outcome.FAILED,
                                actor,
                                (beforeTraffic
                                                ? "the database migration failed before any traffic moved"
                                                : "the contract migration failed after the release was finalized;"
                                                        + " the new version runs on the expanded schema, which"
                                                        + " it supports")
                                        + suffix(e.summary()))
                        .step();
            }
            if (isPreDeploymentCheck(phase)) {
                // Nothing has moved yet: there is nothing to roll back, the deployment is refused.
                skipRest(t, t.state, "pre-deployment checks failed");
                return t.finish(
                                REJECTED,
                                DeploymentFinished.Outcome.REJECTED,
                                actor,
                                "pre-deployment checks failed" + suffix(e.summary()))
                        .step();
            }
            return t.rollBack(
                            actor,
                            "phase "
                                    + phase.index()
                                    + " ("
                                    + phase.plan().name()
                                    + ") failed"
                                    + suffix(e.summary()),
                            true,
                            false)
                    .step();
        }
        t.phase(phase.done(PhaseStatus.PASSED, now, e.summary() == null ? "passed" : e.summary()));
        t.log(actor, "phase-passed", describe(phase) + suffix(e.summary()));
        if (s.status() == PAUSED) {
            return t.step(); // resume moves on
        }
        return t.advance().step();
    }

    public Step thresholdBreached(
            DeploymentState s, ThresholdBreached e, String actor, Instant now) {
        if (!isCurrent(s, e.attempt(), e.phase())
                || (s.status() != IN_PROGRESS && s.status() != PAUSED)) {
            return Step.ignored(s);
        }
        String what =
                e.metric()
                        + " "
                        + (e.observedValue() == null ? "(no value)" : e.observedValue())
                        + " against "
                        + e.threshold()
                        + " over "
                        + e.window()
                        + " ("
                        + e.kind().name().toLowerCase()
                        + ")";
        Transition t = new Transition(s, now);
        // No data and a failing metrics provider say nothing about the new version: a person
        // decides, unless the
        // trigger only ever alerts.
        boolean blind =
                e.kind() == ThresholdBreached.Kind.NO_DATA
                        || e.kind() == ThresholdBreached.Kind.PROVIDER_ERROR;
        if (blind && e.action() != ThresholdBreached.Action.ALERT) {
            t.log(actor, "breach", what);
            return s.status() == IN_PROGRESS ? t.pause(actor, "paused: " + what).step() : t.step();
        }
        switch (e.action()) {
            case AUTOMATIC_ROLLBACK -> {
                t.log(actor, "breach", what + ", action automatic_rollback");
                PhaseState phase = s.current().orElseThrow();
                if (!phase.status().isDone()) {
                    t.phase(phase.done(PhaseStatus.FAILED, now, "breach: " + what));
                }
                return t.rollBack(actor, "threshold breached: " + what, true, false).step();
            }
            case PAUSE -> {
                t.log(actor, "breach", what + ", action pause");
                return s.status() == IN_PROGRESS
                        ? t.pause(actor, "paused: " + what).step()
                        : t.step();
            }
            default -> {
                t.log(actor, "alert", what);
                return t.step();
            }
        }
    }

    public Step rollbackCompleted(
            DeploymentState s, RollbackCompleted e, String actor, Instant now) {
        if (e.attempt() != s.attempt() || s.status() != ROLLING_BACK || s.verification() != null) {
            return Step.ignored(s);
        }
        Transition t = new Transition(s, now);
        t.log(actor, "rollback-" + e.outcome().name().toLowerCase(), e.detail());
        if (e.outcome() == RollbackCompleted.Outcome.SUCCEEDED) {
            var backedUp = restorable(s);
            if (backedUp.isPresent()) {
                if (s.requiredApprovals() > 0) {
                    String why =
                            "the database restore waits for an approval: restoring the backup of phase "
                                    + backedUp.get().index()
                                    + " loses every write since it was taken"
                                    + suffix(backedUp.get().verdict())
                                    + "; approve (POST .../approvals) to restore, abort to keep the database as it is";
                    // The deployment's reason stays the rollback's; the timeline asks for the
                    // approval and says what it costs.
                    t.state = t.state.verifying(RollbackVerification.RESTORE_APPROVAL, null);
                    t.log(PLANNER, "database-restore-awaiting-approval", why);
                    return t.step();
                }
                return t.restore(backedUp.get(), true, PLANNER).step();
            }
        }
        return stableRestored(t, s, e.outcome(), e.detail(), actor);
    }

    /**
     * Stable is back (and the database restored, when asked for): the rollback is complete, waits out its
     * verification delay, or failed.
     */
    private Step stableRestored(
            Transition t,
            DeploymentState s,
            RollbackCompleted.Outcome outcome,
            String detail,
            String actor) {
        Instant now = t.now;
        RollbackCompleted e = new RollbackCompleted(s.id(), s.attempt(), outcome, detail);
        Duration delay = verificationDelay(s);
        if (e.outcome() == RollbackCompleted.Outcome.SUCCEEDED && delay != null) {
            // The runbook's verification_delay: stable is back on the platform; it is verified
            // after the
            // delay, and only then is the rollback complete. The rollback deadline is the wake-up.
            t.state = t.state.verifying(RollbackVerification.WAITING, now.plus(delay));
            t.log(
                    PLANNER,
                    "rollback-verification-waiting",
                    "stable is restored; it is verified after the verification delay of "
                            + s.request().rollback().rollbackStrategy().verificationDelay());
            return t.step();
        }
        if (e.outcome() == RollbackCompleted.Outcome.FAILED) {
            return t.finish(
                            ROLLBACK_FAILED,
                            DeploymentFinished.Outcome.FAILED,
                            actor,
                            "rollback failed" + suffix(e.detail()) + "; " + s.reason())
                    .step();
        }
        return s.aborting()
                ? t.finish(ABORTED, DeploymentFinished.Outcome.ABORTED, actor, s.reason()).step()
                : t.finish(ROLLED_BACK, DeploymentFinished.Outcome.ROLLED_BACK, actor, s.reason())
                        .step();
    }

    /**
     * The rollback's deadline passed. While stable's verification waits out its delay, the verification is asked
     * for now: a CHECKS phase numbered after the plan's last, with {@code verification} as its parameters (the
     * health checks and the triggers' metrics on the stable version). Otherwise stable may not be back (no
     * RollbackCompleted) or was not verified in time (no verdict), and a person must look.
     */
    public Step rollbackDeadlinePassed(
            DeploymentState s, Map<String, Object> verification, Instant now) {
        if (s.status() != ROLLING_BACK
                || s.rollbackDeadline() == null
                || s.rollbackDeadline().isAfter(now)) {
            return Step.ignored(s);
        }
        if (s.verification() == RollbackVerification.WAITING) {
            Transition t = new Transition(s, now);
            t.state = s.verifying(RollbackVerification.RUNNING, now.plus(deadlineMargin));
            t.emit(
                    new PhaseRequested(
                            s.id(),
                            s.attempt(),
                            s.phases().size(),
                            dev.stride.events.PhaseType.CHECKS,
                            s.request().target(),
                            verification));
            t.log(
                    PLANNER,
                    "rollback-verification-requested",
                    "checking stable"
                            + (verification.get("version") == null
                                    ? ""
                                    : " (version " + verification.get("version") + ")")
                            + ", phase "
                            + s.phases().size());
            return t.step();
        }
        if (s.verification() == RollbackVerification.RESTORING) {
            String why =
                    "the database restore did not report by "
                            + s.rollbackDeadline()
                            + "; the application may still be in maintenance; "
                            + s.reason();
            Transition t = new Transition(s, now);
            t.log(PLANNER, "database-restore-deadline-passed", why);
            return t.finish(ROLLBACK_FAILED, DeploymentFinished.Outcome.FAILED, PLANNER, why)
                    .step();
        }
        if (s.verification() == RollbackVerification.RUNNING) {
            String why =
                    "stable's verification after the rollback did not report by "
                            + s.rollbackDeadline()
                            + "; "
                            + s.reason();
            Transition t = new Transition(s, now);
            t.log(PLANNER, "rollback-verification-deadline-passed", why);
            return t.finish(ROLLBACK_FAILED, DeploymentFinished.Outcome.FAILED, PLANNER, why)
                    .step();
        }
        String why =
                "no RollbackCompleted by "
                        + s.rollbackDeadline()
                        + "; stable may not be restored; "
                        + s.reason();
        Transition t = new Transition(s, now);
        t.log(PLANNER, "rollback-deadline-passed", why);
        return t.finish(ROLLBACK_FAILED, DeploymentFinished.Outcome.FAILED, PLANNER, why).step();
    }

    /** A phase did not start or end by its deadline: the deployment fails into rollback. */
    public Step deadlinePassed(DeploymentState s, int phaseIndex, Instant now) {
        if (s.status() != IN_PROGRESS || s.currentPhase() != phaseIndex) {
            return Step.ignored(s);
        }
        PhaseState phase = s.current().orElseThrow();
        if (phase.status().isDone() || phase.deadline() == null || phase.deadline().isAfter(now)) {
            return Step.ignored(s);
        }
        String why =
                "phase "
                        + phase.index()
                        + " ("
                        + phase.plan().name()
                        + ") did not "
                        + (phase.status() == PhaseStatus.REQUESTED ? "start" : "finish")
                        + " by its deadline "
                        + phase.deadline();
        Transition t = new Transition(s, now);
        t.phase(phase.done(PhaseStatus.FAILED, now, why));
        t.log(PLANNER, "deadline-passed", why);
        if (isPreDeploymentCheck(phase)) {
            skipRest(t, t.state, "pre-deployment checks failed");
            return t.finish(REJECTED, DeploymentFinished.Outcome.REJECTED, PLANNER, why).step();
        }
        return t.rollBack(PLANNER, why, true, false).step();
    }

    // ---- Manual controls (REST) and RollbackRequested from other systems
    // ---------------------------------------

    public Step pause(DeploymentState s, String actor, String why, Instant now) {
        if (s.status() != IN_PROGRESS) {
            return Step.refused(
                    s, "only a deployment IN_PROGRESS can be paused; this one is " + s.status());
        }
        return new Transition(s, now).pause(actor, why == null ? "paused by " + actor : why).step();
    }

    public Step resume(DeploymentState s, String actor, Instant now) {
        if (s.status() != PAUSED) {
            return Step.refused(
                    s, "only a PAUSED deployment can be resumed; this one is " + s.status());
        }
        Transition t = new Transition(s.resumed(), now);
        t.log(actor, "resumed", null);
        t.emit(
                new DeploymentResumed(
                        s.id(),
                        s.attempt(),
                        s.currentPhase(),
                        s.request().application(),
                        s.request().environment(),
                        actor));
        PhaseState phase = s.current().orElseThrow();
        if (phase.status() == PhaseStatus.PASSED) {
            return t.advance().step();
        }
        // The clock restarts: a pause must not make the phase miss its deadline.
        t.phase(
                phase.withDeadline(
                        phase.status() == PhaseStatus.RUNNING
                                ? finishDeadline(phase, now)
                                : now.plus(deadlineMargin)));
        return t.step();
    }

    /**
     * Ends a deployment by hand. One that has moved nothing yet ends ABORTED at once; one that has rolls back first
     * (RollbackRequested) and ends ABORTED when the executor reports stable restored, so the next deployment in
     * the queue never starts on a target that is still being put back.
     */
    public Step abort(DeploymentState s, String actor, String why, Instant now) {
        String reason = "aborted by " + actor + suffix(why);
        Transition t = new Transition(s, now);
        if (s.status() == REQUESTED || s.status() == AWAITING_APPROVAL) {
            return t.finish(ABORTED, DeploymentFinished.Outcome.ABORTED, actor, reason).step();
        }
        if (s.status() == ROLLING_BACK
                && s.verification() == RollbackVerification.RESTORE_APPROVAL) {
            // The restore is declined: the database stays as migrated and the application comes
            // out of maintenance on it.
            t.log(actor, "database-restore-declined", reason);
            t.state = t.state.aborted();
            return t.restore(restorable(s).orElseThrow(), false, actor).step();
        }
        if (s.status() != IN_PROGRESS && s.status() != PAUSED) {
            return Step.refused(s, "a deployment that is " + s.status() + " cannot be aborted");
        }
        PhaseState phase = s.current().orElseThrow();
        if (!phase.status().isDone()) {
            t.phase(phase.done(PhaseStatus.SKIPPED, now, reason));
        }
        t.log(actor, "aborting", reason);
        return t.rollBack(actor, reason, true, true).step();
    }

    /** Skips the remaining analysis and goes straight to the phase that sends all traffic to the new version. */
    public Step promote(DeploymentState s, String actor, Instant now) {
        if (s.status() != IN_PROGRESS && s.status() != PAUSED) {
            return Step.refused(
                    s,
                    "only a deployment IN_PROGRESS or PAUSED can be promoted; this one is "
                            + s.status());
        }
        int full = fullTrafficPhase(s);
        if (full < 0) {
            return Step.refused(
                    s, "nothing to promote: this plan has no traffic phases (a rolling update)");
        }
        if (s.currentPhase() >= full) {
            return Step.refused(
                    s, "nothing to promote: the deployment is already at full traffic or past it");
        }
        if (isPreDeploymentCheck(s.current().orElseThrow())
                && s.current().get().status() != PhaseStatus.PASSED) {
            return Step.refused(
                    s,
                    "the pre-deployment checks have not passed yet; promote skips analysis, not them");
        }
        Transition t = new Transition(s.resumed(), now);
        t.log(
                actor,
                "promoted",
                "skipping to phase " + full + " (" + s.phases().get(full).plan().name() + ")");
        for (int i = s.currentPhase(); i < full; i++) {
            PhaseState phase = t.state.phases().get(i);
            if (!phase.status().isDone()) {
                t.phase(phase.done(PhaseStatus.SKIPPED, now, "promoted by " + actor));
            }
        }
        return t.request(full, true).step();
    }

    /**
     * RollbackRequested from another system: honoured like a manual rollback, for the current attempt only. The
     * executor acts on that event itself, so the planner publishes no second one.
     */
    public Step rollbackRequested(
            DeploymentState s, RollbackRequested e, String actor, Instant now) {
        if (e.attempt() != s.attempt()) {
            return Step.ignored(s);
        }
        return rollBack(s, actor, e.reason(), false, now);
    }

    /** A rollback asked for by a person (REST, {@code publish}) or another system (its RollbackRequested event). */
    public Step rollBack(
            DeploymentState s, String actor, String why, boolean publish, Instant now) {
        if (s.status() == ROLLING_BACK) {
            return Step.refused(s, "the deployment is already rolling back");
        }
        if (s.status() != IN_PROGRESS && s.status() != PAUSED) {
            return Step.refused(
                    s,
                    "only a deployment IN_PROGRESS or PAUSED can be rolled back; this one is "
                            + s.status());
        }
        Transition t = new Transition(s, now);
        PhaseState phase = s.current().orElseThrow();
        if (!phase.status().isDone()) {
            t.phase(phase.done(PhaseStatus.FAILED, now, "rolled back by " + actor));
        }
        return t.rollBack(actor, "rollback requested by " + actor + suffix(why), publish, false)
                .step();
    }

    // ---- Helpers
    // ------------------------------------------------------------------------------------------------

    /** Whether a phase of the current attempt that moves traffic or replaces instances has been asked for. */
    private static boolean trafficMoved(DeploymentState s) {
        return s.phases().stream()
                .anyMatch(
                        p ->
                                (p.plan().type() == dev.stride.events.PhaseType.TRAFFIC
                                                || p.plan().type()
                                                        == dev.stride.events.PhaseType.ROLLOUT)
                                        && p.status() != PhaseStatus.PENDING
                                        && p.status() != PhaseStatus.SKIPPED);
    }

    private static boolean isPreDeploymentCheck(PhaseState phase) {
        return phase.index() == 0 && phase.plan().type() == dev.stride.events.PhaseType.CHECKS;
    }

    /** The verdict on stable after a rollback: the rollback is complete, or it failed. */
    private Step verified(DeploymentState s, PhaseCompleted e, String actor, Instant now) {
        Transition t = new Transition(s, now);
        if (e.outcome() == PhaseCompleted.Outcome.FAILED) {
            String why =
                    "stable failed its verification after the rollback"
                            + suffix(e.summary())
                            + "; "
                            + s.reason();
            t.log(actor, "rollback-verification-failed", e.summary());
            return t.finish(ROLLBACK_FAILED, DeploymentFinished.Outcome.FAILED, actor, why).step();
        }
        t.log(actor, "rollback-verified", e.summary());
        return s.aborting()
                ? t.finish(ABORTED, DeploymentFinished.Outcome.ABORTED, actor, s.reason()).step()
                : t.finish(ROLLED_BACK, DeploymentFinished.Outcome.ROLLED_BACK, actor, s.reason())
                        .step();
    }

    /**
     * The expand MIGRATION phase whose backup a rollback restores: the request asks for {@code
     * database.restore_on_rollback} and the phase that backed the database up PASSED in this attempt.
     */
    private static java.util.Optional<PhaseState> restorable(DeploymentState s) {
        if (s.request().database() == null || !s.request().database().restores()) {
            return java.util.Optional.empty();
        }
        return s.phases().stream()
                .filter(p -> p.plan().type() == dev.stride.events.PhaseType.MIGRATION)
                .filter(p -> Boolean.TRUE.equals(p.plan().parameters().get("backup")))
                .filter(p -> p.status() == PhaseStatus.PASSED)
                .findFirst();
    }

    /** The phase number of a rollback's database restore: after the plan's and its verification's. */
    static int restoreIndex(DeploymentState s) {
        return s.phases().size() + 1;
    }

    private static boolean isRestore(DeploymentState s, int attempt, int phase) {
        return s.status() == ROLLING_BACK
                && s.verification() == RollbackVerification.RESTORING
                && attempt == s.attempt()
                && phase == restoreIndex(s);
    }

    private Step approveRestore(DeploymentState s, String approver, String comment, Instant now) {
        if (Caller.comparable(approver).equals(Caller.comparable(s.request().requestedBy()))) {
            return Step.forbidden(
                    s,
                    "the requester ("
                            + approver
                            + ") cannot approve the database restore of their own deployment");
        }
        Transition t = new Transition(s, now);
        t.log(approver, "database-restore-approved", comment);
        return t.restore(restorable(s).orElseThrow(), true, approver).step();
    }

    /** The executor's report on the database restore (or, when declined, on leaving maintenance). */
    private Step databaseRestored(DeploymentState s, PhaseCompleted e, String actor, Instant now) {
        Transition t = new Transition(s, now);
        if (e.outcome() == PhaseCompleted.Outcome.FAILED) {
            String why = "the database restore failed" + suffix(e.summary()) + "; " + s.reason();
            t.log(actor, "database-restore-failed", e.summary());
            return t.finish(ROLLBACK_FAILED, DeploymentFinished.Outcome.FAILED, actor, why).step();
        }
        // Declined by an abort, the restore only took the application out of maintenance.
        t.log(actor, s.aborting() ? "database-maintenance-off" : "database-restored", e.summary());
        t.state = t.state.verifying(null, t.state.rollbackDeadline());
        return stableRestored(t, t.state, RollbackCompleted.Outcome.SUCCEEDED, e.summary(), actor);
    }

    /** Whether a phase event is about the current attempt's verification of stable, which is running. */
    private static boolean isVerification(DeploymentState s, int attempt, int phase) {
        return s.status() == ROLLING_BACK
                && s.verification() == RollbackVerification.RUNNING
                && attempt == s.attempt()
                && phase == s.phases().size();
    }

    /** The request's {@code rollback_strategy.verification_delay}, or null when it verifies nothing. */
    static Duration verificationDelay(DeploymentState s) {
        var policy = s.request().rollback();
        if (policy == null
                || policy.rollbackStrategy() == null
                || policy.rollbackStrategy().verificationDelay() == null) {
            return null;
        }
        return Durations.parse(policy.rollbackStrategy().verificationDelay());
    }

    private static boolean isCurrent(DeploymentState s, int attempt, int phase) {
        return attempt == s.attempt() && phase == s.currentPhase();
    }

    private Instant finishDeadline(PhaseState phase, Instant from) {
        Duration hold = phase.plan().hold() == null ? Duration.ZERO : phase.plan().hold();
        return from.plus(hold).plus(deadlineMargin);
    }

    // The runbook's rollback_strategy.timeout when the request has one, else the deadline margin.
    private Duration rollbackTimeout(DeploymentState s) {
        var policy = s.request().rollback();
        if (policy != null
                && policy.rollbackStrategy() != null
                && policy.rollbackStrategy().timeout() != null) {
            return Durations.parse(policy.rollbackStrategy().timeout());
        }
        return deadlineMargin;
    }

    private static int fullTrafficPhase(DeploymentState s) {
        for (PhaseState phase : s.phases()) {
            Integer weight = phase.plan().trafficPercentage();
            if (weight != null && weight == 100) {
                return phase.index();
            }
        }
        return -1;
    }

    private static void skipRest(Transition t, DeploymentState s, String why) {
        for (int i = Math.max(0, s.currentPhase()); i < s.phases().size(); i++) {
            PhaseState phase = t.state.phases().get(i);
            if (!phase.status().isDone()) {
                t.phase(phase.done(PhaseStatus.SKIPPED, t.now, why));
            }
        }
    }

    private static String describe(PhaseState phase) {
        return "phase "
                + phase.index()
                + " "
                + phase.plan().type()
                + " ("
                + phase.plan().name()
                + ")";
    }

    private static String observed(Map<String, Integer> weights) {
        return weights == null || weights.isEmpty() ? "" : ", observed weights " + weights;
    }

    private static String suffix(String text) {
        return text == null || text.isBlank() ? "" : ": " + text;
    }

    /** One step in the making: the state as it changes, what to publish, what to write in the timeline. */
    private final class Transition {
        private DeploymentState state;
        private final Instant now;
        private final List<StrideEvent> events = new ArrayList<>();
        private final List<TimelineEntry> timeline = new ArrayList<>();

        Transition(DeploymentState state, Instant now) {
            this.state = state;
            this.now = now;
        }

        Step step() {
            return new Step(state, List.copyOf(events), List.copyOf(timeline), null, false);
        }

        void log(String actor, String action, String detail) {
            timeline.add(new TimelineEntry(now, actor, action, detail));
        }

        void emit(StrideEvent event) {
            events.add(event);
        }

        void status(DeploymentStatus status, String why) {
            state = state.withStatus(status, why);
        }

        void phase(PhaseState phase) {
            state = state.withPhase(phase);
        }

        Transition queued() {
            log(
                    PLANNER,
                    "queued",
                    "another deployment of "
                            + state.request().application()
                            + " to "
                            + state.request().environment().wireName()
                            + " is active; this one starts when it ends");
            return this;
        }

        Transition start() {
            status(IN_PROGRESS, null);
            log(PLANNER, "started", state.phases().size() + " phases planned");
            return request(0, false);
        }

        Transition request(int index, boolean promoted) {
            PhaseState phase = state.phases().get(index);
            state = state.atPhase(index);
            phase(phase.requested(now.plus(deadlineMargin)));
            // Every phase names its release, so the verifier's metric templates and checks need no
            // other lookup.
            Map<String, Object> parameters = new LinkedHashMap<>(phase.plan().parameters());
            DeploymentRequested release = state.request();
            parameters.putIfAbsent("application", release.application());
            parameters.putIfAbsent("environment", release.environment().wireName());
            parameters.putIfAbsent("version", release.version());
            parameters.putIfAbsent("strategy", release.deployment().strategy());
            if (promoted) {
                parameters.put("promoted", true);
            }
            emit(
                    new PhaseRequested(
                            state.id(),
                            state.attempt(),
                            index,
                            phase.plan().type(),
                            state.request().target(),
                            parameters));
            log(PLANNER, "phase-requested", describe(phase));
            return this;
        }

        Transition advance() {
            int next = state.currentPhase() + 1;
            if (next >= state.phases().size()) {
                return finish(
                        SUCCEEDED,
                        DeploymentFinished.Outcome.SUCCEEDED,
                        PLANNER,
                        "all phases passed");
            }
            return request(next, false);
        }

        Transition pause(String actor, String why) {
            status(PAUSED, why);
            state.current().ifPresent(phase -> phase(phase.withDeadline(null)));
            log(actor, "paused", why);
            emit(
                    new DeploymentPaused(
                            state.id(),
                            state.attempt(),
                            state.currentPhase(),
                            state.request().application(),
                            state.request().environment(),
                            why,
                            actor));
            return this;
        }

        Transition rollBack(String actor, String why, boolean publish, boolean abort) {
            state = state.rollingBack(why, abort, now.plus(rollbackTimeout(state)));
            if (publish) {
                emit(new RollbackRequested(state.id(), state.attempt(), why, actor));
            }
            skipRest(this, state, "rolled back");
            log(actor, "rolling-back", why);
            // An expand migration stays: the rollback returns to a version that runs on it. With
            // database.restore_on_rollback the backup is restored once stable is back.
            restorable(state)
                    .ifPresent(
                            phase ->
                                    log(
                                            PLANNER,
                                            "database-restore-planned",
                                            "the backup of phase "
                                                    + phase.index()
                                                    + " is restored once stable is back"
                                                    + (state.requiredApprovals() > 0
                                                            ? ", after an approval"
                                                            : "")
                                                    + "; the application stays in maintenance"
                                                    + " until then"));
            for (PhaseState phase : state.phases()) {
                if (restorable(state).isEmpty()
                        && phase.plan().type() == dev.stride.events.PhaseType.MIGRATION
                        && phase.status() == PhaseStatus.PASSED) {
                    log(
                            PLANNER,
                            "database-kept",
                            "the database keeps phase "
                                    + phase.index()
                                    + " ("
                                    + phase.plan().name()
                                    + ", to version "
                                    + phase.plan().parameters().get("target")
                                    + "): expand migrations are backward compatible, so the old version"
                                    + " runs on this schema; nothing is restored"
                                    + suffix(phase.verdict()));
                }
            }
            return this;
        }

        /**
         * Asks the executor for the rollback's database restore ({@code restore} false: only to take the
         * application out of maintenance, the restore declined): a MIGRATION phase numbered after the plan's and its
         * verification's, with the backed-up phase's parameters and stage {@code restore}, reported by the
         * database's timeout plus the margin.
         */
        Transition restore(PhaseState backedUp, boolean restore, String actor) {
            Map<String, Object> parameters =
                    new java.util.LinkedHashMap<>(backedUp.plan().parameters());
            parameters.put("stage", "restore");
            parameters.put("restore", restore);
            parameters.put("backupPhase", backedUp.index());
            Duration timeout =
                    state.request().database() == null
                            ? dev.stride.events.spec.DatabaseMigration.DEFAULT_TIMEOUT
                            : state.request().database().timeoutOrDefault();
            state =
                    state.verifying(
                            RollbackVerification.RESTORING, now.plus(timeout).plus(deadlineMargin));
            emit(
                    new PhaseRequested(
                            state.id(),
                            state.attempt(),
                            restoreIndex(state),
                            dev.stride.events.PhaseType.MIGRATION,
                            state.request().target(),
                            parameters));
            log(
                    actor,
                    restore ? "database-restore-requested" : "database-maintenance-off-requested",
                    restore
                            ? "restoring the backup of phase "
                                    + backedUp.index()
                                    + " (phase "
                                    + restoreIndex(state)
                                    + ")"
                            : "the database stays as migrated; the application leaves maintenance"
                                    + " (phase "
                                    + restoreIndex(state)
                                    + ")");
            return this;
        }

        Transition finish(
                DeploymentStatus status,
                DeploymentFinished.Outcome outcome,
                String actor,
                String why) {
            state = state.finished(status, why, now);
            emit(
                    new DeploymentFinished(
                            state.id(),
                            state.request().application(),
                            state.request().environment(),
                            state.request().version(),
                            outcome,
                            why,
                            state.request().commitTime(),
                            state.createdAt(),
                            now));
            log(actor, status.name().toLowerCase().replace('_', '-'), why);
            return this;
        }
    }
}
