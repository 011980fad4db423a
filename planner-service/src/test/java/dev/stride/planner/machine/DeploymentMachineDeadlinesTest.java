package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.EXECUTOR;
import static dev.stride.planner.machine.MachineHarness.MARGIN;
import static dev.stride.planner.machine.MachineHarness.actions;
import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Progress deadlines and the executor's word on a rollback, event by event. Canary plan: 0 pre-checks,
 * 1 initial 5% (10m), 2 ramp-up 25% (15m), 3 full-rollout 100%, 4 post-checks, 5 finalize.
 */
class DeploymentMachineDeadlinesTest {

    @Nested
    class Deadlines {

        @Test
        void aRequestedPhaseThatDoesNotStartByItsDeadlineRollsBack() {
            MachineHarness h = MachineHarness.canary().runTo(1);
            Instant deadline = h.now.plus(MARGIN);
            assertThat(h.phase(1).deadline()).isEqualTo(deadline);

            h.at(deadline.minusSeconds(1)).deadlinePassed(1);
            h.assertIgnored();

            h.at(deadline.plusSeconds(1));
            Step step = h.deadlinePassed(1);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
            RollbackRequested rollback =
                    h.assertRollbackRequested(
                            step,
                            "planner",
                            "phase 1 (initial) did not start by its deadline " + deadline);
            assertThat(h.state.reason()).isEqualTo(rollback.reason());
            assertThat(h.phase(1).status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(h.phase(1).verdict()).isEqualTo(rollback.reason());
            assertThat(h.phase(1).deadline()).isNull();
            assertThat(actions(step)).containsExactly("deadline-passed", "rolling-back");
            assertThat(step.timeline()).extracting(TimelineEntry::actor).containsOnly("planner");

            h.deadlinePassed(1);
            h.assertIgnored();
        }

        @Test
        void theDeadlineItselfIsLateEnough() {
            MachineHarness h = MachineHarness.canary().runTo(1);

            h.at(h.phase(1).deadline()).deadlinePassed(1);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        }

        @Test
        void aRunningPhaseHasItsHoldPlusTheMarginToFinish() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            Instant started = h.phase(2).startedAt();
            Instant deadline = started.plus(Duration.ofMinutes(15)).plus(MARGIN);
            assertThat(h.phase(2).deadline()).isEqualTo(deadline);

            h.at(started.plus(Duration.ofMinutes(24))).deadlinePassed(2);
            h.assertIgnored();

            h.at(deadline.plusSeconds(1));
            Step step = h.deadlinePassed(2);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            h.assertRollbackRequested(
                    step,
                    "planner",
                    "phase 2 (ramp-up) did not finish by its deadline " + deadline);
        }

        @Test
        void theDeadlineOfAPhaseThatIsNotCurrentChangesNothing() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            h.tick(Duration.ofHours(3));

            h.deadlinePassed(1);
            h.assertIgnored();
            h.deadlinePassed(3);
            h.assertIgnored();
            h.deadlinePassed(-1);
            h.assertIgnored();
        }

        @Test
        void noDeadlineFiresWhilePaused() {
            MachineHarness h = MachineHarness.canaryPaused();
            assertThat(h.phase(2).deadline()).isNull();
            h.tick(Duration.ofHours(3));

            h.deadlinePassed(2);

            h.assertIgnored();
        }

        @Test
        void aPhaseThatPassedHasNoDeadlineLeft() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            Instant old = h.phase(2).deadline();
            h.on(h.passed(2));
            assertThat(h.phase(2).deadline()).isNull();

            h.at(old.plusSeconds(1)).deadlinePassed(2);

            h.assertIgnored();
        }
    }

    @Nested
    class RollbackCompletion {

        @Test
        void aSuccessfulRollbackEndsRolledBack() {
            MachineHarness h = MachineHarness.canaryRollingBack();
            String why = h.state.reason();
            h.tick(Duration.ofMinutes(2));

            Step step =
                    h.on(
                            h.rollbackCompleted(
                                    RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(eventTypes(step)).containsExactly(DeploymentFinished.class);
            DeploymentFinished finished =
                    h.assertFinished(step, DeploymentFinished.Outcome.ROLLED_BACK, why);
            assertThat(finished.reason()).isEqualTo("phase 2 (ramp-up) failed: error rate 3%");
            assertThat(actions(step)).containsExactly("rollback-succeeded", "rolled-back");
            assertThat(step.timeline()).extracting(TimelineEntry::actor).containsOnly(EXECUTOR);
            assertThat(step.timeline().get(0).detail()).isEqualTo("stable at 100%");

            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));
            h.assertIgnored();
            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.FAILED, "late"));
            h.assertIgnored();
        }

        @Test
        void aFailedRollbackEndsRollbackFailedWithOutcomeFailed() {
            MachineHarness h = MachineHarness.canaryRollingBack();
            h.tick(Duration.ofMinutes(2));

            Step step =
                    h.on(
                            h.rollbackCompleted(
                                    RollbackCompleted.Outcome.FAILED, "cannot reach the cluster"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
            assertThat(eventTypes(step)).containsExactly(DeploymentFinished.class);
            DeploymentFinished finished =
                    h.assertFinished(
                            step,
                            DeploymentFinished.Outcome.FAILED,
                            "rollback failed: cannot reach the cluster");
            assertThat(finished.reason())
                    .isEqualTo(
                            "rollback failed: cannot reach the cluster; phase 2 (ramp-up) failed: error rate 3%");
            assertThat(actions(step)).containsExactly("rollback-failed", "rollback-failed");

            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "late"));
            h.assertIgnored();
        }

        @Test
        void aRollbackOfAnotherAttemptIsIgnored() {
            MachineHarness h = MachineHarness.canaryRollingBack();

            h.on(h.rollbackCompletedFor(2, RollbackCompleted.Outcome.SUCCEEDED, "someone else's"));
            h.assertIgnored();
            h.on(h.rollbackCompletedFor(0, RollbackCompleted.Outcome.FAILED, "an older one"));
            h.assertIgnored();
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        }

        @Test
        void aRollbackCompletedWithoutARollbackIsIgnored() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "unexpected"));
            h.assertIgnored();

            MachineHarness paused = MachineHarness.canaryPaused();
            paused.on(paused.rollbackCompleted(RollbackCompleted.Outcome.FAILED, "unexpected"));
            paused.assertIgnored();
        }

        @Test
        void aRollbackNobodyReportsDoneFailsAtItsDeadline() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            h.on(h.failed(2, "errors"));
            Instant deadline = h.state.rollbackDeadline();
            // The request's rollback_strategy.timeout (10m) bounds the wait.
            assertThat(deadline).isEqualTo(h.now.plus(Duration.ofMinutes(10)));

            h.tick(Duration.ofMinutes(9));
            h.apply(s -> h.machine.rollbackDeadlinePassed(s, Map.of(), h.now));
            h.assertIgnored();

            h.tick(Duration.ofMinutes(1));
            Step step = h.apply(s -> h.machine.rollbackDeadlinePassed(s, Map.of(), h.now));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
            h.assertFinished(step, DeploymentFinished.Outcome.FAILED, "no RollbackCompleted");
            assertThat(h.state.rollbackDeadline()).isNull();
            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "late"));
            h.assertIgnored();
        }

        @Test
        void aRollbackCompletedAfterTheEndChangesNothing() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            h.abort("alice", "wrong build");
            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ABORTED);

            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.FAILED, "stuck"));
            h.assertIgnored();
            h.on(h.rollbackCompletedFor(2, RollbackCompleted.Outcome.SUCCEEDED, "another attempt"));
            h.assertIgnored();
        }
    }
}
