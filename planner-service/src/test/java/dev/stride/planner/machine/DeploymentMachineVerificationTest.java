package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.MARGIN;
import static dev.stride.planner.machine.MachineHarness.actions;
import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static dev.stride.planner.machine.MachineHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The runbook's {@code rollback_strategy.verification_delay}: after the platform is restored the planner waits the
 * delay (a durable deadline, not a timer), asks the verifier to check stable, and only its verdict completes the
 * rollback.
 */
class DeploymentMachineVerificationTest {

    private static final Map<String, Object> CHECKS =
            Map.of("stage", "rollback", "version", "1.4.1", "endpoints", java.util.List.of("x"));

    /** A canary whose phase 2 failed, the executor has restored stable, and the 2m delay runs. */
    private static MachineHarness restored() {
        MachineHarness h = MachineHarness.canaryVerifyingAfter("2m");
        h.runTo(2);
        h.tick(Duration.ofSeconds(10));
        h.on(h.started(2));
        h.tick(Duration.ofMinutes(3));
        h.on(h.failed(2, "error rate 7%"));
        h.tick(Duration.ofSeconds(20));
        Step step =
                h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        assertThat(h.state.verification()).isEqualTo(RollbackVerification.WAITING);
        assertThat(h.state.rollbackDeadline()).isEqualTo(h.now.plus(Duration.ofMinutes(2)));
        assertThat(step.events()).as("nothing is published while the delay runs").isEmpty();
        assertThat(actions(step))
                .containsExactly("rollback-succeeded", "rollback-verification-waiting");
        return h;
    }

    /** {@link #restored()} with the delay over and the verification asked for. */
    private static MachineHarness verifying() {
        MachineHarness h = restored();
        h.tick(Duration.ofMinutes(2));
        Step step = h.apply(s -> h.machine.rollbackDeadlinePassed(s, CHECKS, h.now));
        assertThat(eventTypes(step)).containsExactly(PhaseRequested.class);
        PhaseRequested asked = only(step, PhaseRequested.class);
        assertThat(asked.phaseType()).isEqualTo(PhaseType.CHECKS);
        assertThat(asked.phase()).as("numbered after the plan").isEqualTo(h.plan.size());
        assertThat(asked.attempt()).isEqualTo(1);
        assertThat(asked.target()).isEqualTo(h.request.target());
        assertThat(asked.parameters()).isEqualTo(CHECKS);
        assertThat(actions(step)).containsExactly("rollback-verification-requested");
        assertThat(h.state.verification()).isEqualTo(RollbackVerification.RUNNING);
        assertThat(h.state.rollbackDeadline()).isEqualTo(h.now.plus(MARGIN));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        return h;
    }

    private static PhaseCompleted verdict(
            MachineHarness h, PhaseCompleted.Outcome outcome, String summary) {
        return new PhaseCompleted(
                MachineHarness.ID, 1, h.plan.size(), PhaseType.CHECKS, outcome, summary);
    }

    @Test
    void nothingIsCheckedBeforeTheDelayEndsAndALateRepeatOfTheRestoreChangesNothing() {
        MachineHarness h = restored();
        h.tick(Duration.ofSeconds(119));
        h.apply(s -> h.machine.rollbackDeadlinePassed(s, CHECKS, h.now));
        h.assertIgnored();
        h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "again"));
        h.assertIgnored();
        h.on(h.rollbackCompleted(RollbackCompleted.Outcome.FAILED, "late"));
        h.assertIgnored();
        // A verdict before the verification was asked for is not one.
        h.on(verdict(h, PhaseCompleted.Outcome.PASSED, "early"));
        h.assertIgnored();
    }

    @Test
    void aStableThatPassesItsVerificationCompletesTheRollback() {
        MachineHarness h = verifying();
        h.tick(Duration.ofSeconds(3));
        Step step = h.on(verdict(h, PhaseCompleted.Outcome.PASSED, "3 of 3 checks passed"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        h.assertFinished(step, DeploymentFinished.Outcome.ROLLED_BACK, "phase 2");
        assertThat(actions(step)).containsExactly("rollback-verified", "rolled-back");
        assertThat(h.state.verification()).isNull();
        assertThat(h.state.rollbackDeadline()).isNull();
        h.on(verdict(h, PhaseCompleted.Outcome.FAILED, "late"));
        h.assertIgnored();
    }

    @Test
    void aStableThatFailsItsVerificationEndsRollbackFailed() {
        MachineHarness h = verifying();
        h.tick(Duration.ofSeconds(3));
        Step step = h.on(verdict(h, PhaseCompleted.Outcome.FAILED, "stable error_rate 9% over 5%"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
        DeploymentFinished finished =
                h.assertFinished(
                        step,
                        DeploymentFinished.Outcome.FAILED,
                        "stable failed its verification after the rollback: stable error_rate 9% over 5%");
        assertThat(finished.reason()).contains("error rate 7%");
        assertThat(actions(step))
                .containsExactly("rollback-verification-failed", "rollback-failed");
    }

    @Test
    void aVerificationWithoutAVerdictByItsDeadlineEndsRollbackFailed() {
        MachineHarness h = verifying();
        Instant deadline = h.state.rollbackDeadline();
        h.at(deadline.minusSeconds(1));
        h.apply(s -> h.machine.rollbackDeadlinePassed(s, CHECKS, h.now));
        h.assertIgnored();
        h.at(deadline.plusSeconds(1));
        Step step = h.apply(s -> h.machine.rollbackDeadlinePassed(s, CHECKS, h.now));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
        h.assertFinished(step, DeploymentFinished.Outcome.FAILED, "did not report by " + deadline);
        assertThat(eventTypes(step)).containsExactly(DeploymentFinished.class);
    }

    @Test
    void aVerdictForAnotherAttemptOrPhaseIsNotTheVerification() {
        MachineHarness h = verifying();
        h.on(
                new PhaseCompleted(
                        MachineHarness.ID,
                        2,
                        h.plan.size(),
                        PhaseType.CHECKS,
                        PhaseCompleted.Outcome.PASSED,
                        "other attempt"));
        h.assertIgnored();
        h.on(h.failed(2, "the failed phase again"));
        h.assertIgnored();
    }

    @Test
    void anAbortVerifiesStableTooAndEndsAborted() {
        MachineHarness h = MachineHarness.canaryVerifyingAfter("30s");
        h.runTo(2);
        h.abort("alice", "wrong build");
        h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        h.tick(Duration.ofSeconds(30));
        h.apply(s -> h.machine.rollbackDeadlinePassed(s, CHECKS, h.now));
        Step step = h.on(verdict(h, PhaseCompleted.Outcome.PASSED, "passed"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ABORTED);
        h.assertFinished(step, DeploymentFinished.Outcome.ABORTED, "wrong build");
    }

    @Test
    void aFailedRestoreIsNotVerified() {
        MachineHarness h = MachineHarness.canaryVerifyingAfter("2m");
        h.runTo(2);
        h.on(h.failed(2, "errors"));
        Step step = h.on(h.rollbackCompleted(RollbackCompleted.Outcome.FAILED, "stuck"));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
        h.assertFinished(step, DeploymentFinished.Outcome.FAILED, "rollback failed: stuck");
    }
}
