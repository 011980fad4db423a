package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.INCIDENTS;
import static dev.stride.planner.machine.MachineHarness.MARGIN;
import static dev.stride.planner.machine.MachineHarness.actions;
import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static dev.stride.planner.machine.MachineHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.PhaseRequested;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Manual controls (pause, resume, abort, promote, rollback) and RollbackRequested from other systems, event by
 * event. Canary plan: 0 pre-checks, 1 initial 5% (10m), 2 ramp-up 25% (15m), 3 full-rollout 100%, 4 post-checks,
 * 5 finalize.
 */
class DeploymentMachineControlsTest {

    /** A canary at phase 1 (initial, 5%), started. */
    private static MachineHarness atFivePercent() {
        MachineHarness h = MachineHarness.canary().runTo(1);
        h.tick(Duration.ofSeconds(10));
        h.on(h.started(1));
        h.tick(Duration.ofMinutes(2));
        return h;
    }

    private static MachineHarness succeeded() {
        MachineHarness h = MachineHarness.canary().runTo(5);
        h.on(h.passed(5));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        return h;
    }

    private static MachineHarness rolledBack() {
        MachineHarness h = atFivePercent();
        h.on(h.failed(1, "errors"));
        h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, null));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        return h;
    }

    @Nested
    class PauseAndResume {

        @Test
        void pauseStopsTheClockOfTheCurrentPhase() {
            MachineHarness h = atFivePercent();
            assertThat(h.phase(1).deadline()).isNotNull();

            Step step = h.pause("alice", "checking the logs");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);
            assertThat(h.state.reason()).isEqualTo("checking the logs");
            assertThat(h.state.currentPhase()).isEqualTo(1);
            assertThat(h.phase(1).status()).isEqualTo(PhaseStatus.RUNNING);
            assertThat(h.phase(1).deadline()).isNull();
            // The executor, the verifier and the notifier hear of it.
            assertThat(eventTypes(step)).containsExactly(DeploymentPaused.class);
            DeploymentPaused paused = only(step, DeploymentPaused.class);
            assertThat(paused.pausedBy()).isEqualTo("alice");
            assertThat(paused.reason()).isEqualTo("checking the logs");
            assertThat(paused.phase()).isEqualTo(1);
            assertThat(paused.attempt()).isEqualTo(1);
            assertThat(paused.application()).isEqualTo(h.request.application());
            assertThat(paused.environment()).isEqualTo(h.request.environment());
            assertThat(actions(step)).containsExactly("paused");
            assertThat(step.timeline().get(0).actor()).isEqualTo("alice");
            assertThat(step.timeline().get(0).detail()).isEqualTo("checking the logs");
        }

        @Test
        void pauseWithoutAReasonNamesWhoPaused() {
            MachineHarness h = atFivePercent();

            h.pause("alice", null);

            assertThat(h.state.reason()).isEqualTo("paused by alice");
        }

        @Test
        void pauseIsRefusedUnlessInProgress() {
            MachineHarness h = atFivePercent();
            h.pause("alice", null);
            h.pause("bob", null);
            h.assertRefused("PAUSED");

            MachineHarness requested = MachineHarness.canary();
            requested.pause("alice", null);
            requested.assertRefused("REQUESTED");

            MachineHarness awaiting = MachineHarness.of("blue-green", 1);
            awaiting.admit(false);
            awaiting.pause("alice", null);
            awaiting.assertRefused("AWAITING_APPROVAL");

            MachineHarness rollingBack = atFivePercent();
            rollingBack.rollBack("alice", null, true);
            rollingBack.pause("alice", null);
            rollingBack.assertRefused("ROLLING_BACK");

            MachineHarness done = succeeded();
            done.pause("alice", null);
            done.assertRefused("SUCCEEDED");
        }

        @Test
        void resumeGivesARunningPhaseItsWholeHoldAgain() {
            MachineHarness h = atFivePercent();
            Instant oldDeadline = h.phase(1).deadline();
            h.pause("alice", null);
            h.tick(Duration.ofHours(2));

            Step step = h.resume("bob");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            assertThat(h.state.currentPhase()).isEqualTo(1);
            assertThat(h.phase(1).status()).isEqualTo(PhaseStatus.RUNNING);
            assertThat(h.phase(1).deadline())
                    .isEqualTo(h.now.plus(Duration.ofMinutes(10)).plus(MARGIN));
            assertThat(eventTypes(step)).containsExactly(DeploymentResumed.class);
            DeploymentResumed resumed = only(step, DeploymentResumed.class);
            assertThat(resumed.resumedBy()).isEqualTo("bob");
            assertThat(resumed.phase()).isEqualTo(1);
            assertThat(actions(step)).containsExactly("resumed");
            assertThat(step.timeline().get(0).actor()).isEqualTo("bob");

            h.deadlinePassed(1);
            h.assertIgnored();
            assertThat(h.now).isAfter(oldDeadline);
        }

        @Test
        void resumeGivesARequestedPhaseTheMarginToStart() {
            MachineHarness h = MachineHarness.canary().runTo(2);
            h.pause("alice", null);
            assertThat(h.phase(2).deadline()).isNull();
            h.tick(Duration.ofMinutes(45));

            h.resume("alice");

            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.REQUESTED);
            assertThat(h.phase(2).deadline()).isEqualTo(h.now.plus(MARGIN));
            assertThat(eventTypes(h.last)).containsExactly(DeploymentResumed.class);
        }

        @Test
        void resumeIsRefusedUnlessPaused() {
            MachineHarness h = atFivePercent();
            h.resume("alice");
            h.assertRefused("IN_PROGRESS");

            MachineHarness done = succeeded();
            done.resume("alice");
            done.assertRefused("SUCCEEDED");

            MachineHarness rollingBack = atFivePercent();
            rollingBack.pause("alice", null);
            rollingBack.rollBack("alice", null, true);
            rollingBack.resume("alice");
            rollingBack.assertRefused("ROLLING_BACK");
        }
    }

    @Nested
    class Abort {

        @Test
        void abortingAQueuedDeploymentPutsNothingBack() {
            MachineHarness h = MachineHarness.canary();
            h.admit(true);

            Step step = h.abort("alice", "wrong build");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ABORTED);
            assertThat(eventTypes(step)).containsExactly(DeploymentFinished.class);
            h.assertFinished(
                    step, DeploymentFinished.Outcome.ABORTED, "aborted by alice: wrong build");
            assertThat(actions(step)).containsExactly("aborted");
            assertThat(h.phaseStatuses()).containsOnly(PhaseStatus.PENDING);
        }

        @Test
        void abortingWhileAwaitingApprovalPutsNothingBack() {
            MachineHarness h = MachineHarness.of("blue-green", 1);
            h.admit(false);

            Step step = h.abort("alice", null);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ABORTED);
            assertThat(eventTypes(step)).containsExactly(DeploymentFinished.class);
            DeploymentFinished finished =
                    h.assertFinished(step, DeploymentFinished.Outcome.ABORTED, "aborted");
            assertThat(finished.reason()).isEqualTo("aborted by alice");

            h.approve("bob", false);
            h.assertRefused("ABORTED");
        }

        @Test
        void abortingInProgressPutsStableBackFirstAndEndsAbortedWhenItIsBack() {
            MachineHarness h = atFivePercent();

            Step step = h.abort("alice", "wrong build");

            // Still active: the next deployment in the queue must not start while stable is being
            // put back.
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(h.state.aborting()).isTrue();
            assertThat(h.state.status().isActive()).isTrue();
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
            RollbackRequested rollback =
                    h.assertRollbackRequested(step, "alice", "aborted by alice: wrong build");
            assertThat(rollback.reason()).isEqualTo("aborted by alice: wrong build");
            assertThat(h.phaseStatuses())
                    .containsExactly(
                            PhaseStatus.PASSED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED);
            assertThat(h.phase(1).verdict()).isEqualTo("aborted by alice: wrong build");
            assertThat(h.phase(1).deadline()).isNull();
            assertThat(actions(step)).containsExactly("aborting", "rolling-back");
            h.on(h.passed(1));
            h.assertIgnored();

            Step back =
                    h.on(
                            h.rollbackCompleted(
                                    RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ABORTED);
            h.assertFinished(
                    back, DeploymentFinished.Outcome.ABORTED, "aborted by alice: wrong build");
        }

        @Test
        void anAbortWhoseRollbackFailsEndsRollbackFailed() {
            MachineHarness h = atFivePercent();
            h.pause("alice", null);
            h.abort("bob", "enough");
            h.assertRollbackRequested(h.last, "bob", "aborted by bob: enough");

            Step step =
                    h.on(
                            h.rollbackCompleted(
                                    RollbackCompleted.Outcome.FAILED, "ingress refused the patch"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
            h.assertFinished(step, DeploymentFinished.Outcome.FAILED, "rollback failed");
        }

        @Test
        void abortIsRefusedOnceFinishedOrRollingBack() {
            MachineHarness done = succeeded();
            done.abort("alice", null);
            done.assertRefused("SUCCEEDED");

            MachineHarness aborted = atFivePercent();
            aborted.abort("alice", null);
            aborted.abort("alice", null);
            aborted.assertRefused("ROLLING_BACK");

            MachineHarness rollingBack = atFivePercent();
            rollingBack.on(rollingBack.failed(1, "errors"));
            rollingBack.abort("alice", null);
            rollingBack.assertRefused("ROLLING_BACK");

            MachineHarness rolledBack = rolledBack();
            rolledBack.abort("alice", null);
            rolledBack.assertRefused("ROLLED_BACK");

            MachineHarness rejected = MachineHarness.canary();
            rejected.reject("no");
            rejected.abort("alice", null);
            rejected.assertRefused("REJECTED");
        }
    }

    @Nested
    class Promote {

        @Test
        void promoteSkipsTheRemainingAnalysisAndRequestsFullTraffic() {
            MachineHarness h = atFivePercent();

            Step step = h.promote("alice");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            PhaseRequested requested = h.assertRequested(step, 3, true);
            assertThat(requested.parameters()).containsEntry("weight", 100);
            assertThat(h.phaseStatuses())
                    .containsExactly(
                            PhaseStatus.PASSED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.REQUESTED,
                            PhaseStatus.PENDING,
                            PhaseStatus.PENDING);
            assertThat(h.phase(1).verdict()).isEqualTo("promoted by alice");
            assertThat(h.phase(2).verdict()).isEqualTo("promoted by alice");
            assertThat(h.phase(1).deadline()).isNull();
            assertThat(actions(step)).containsExactly("promoted", "phase-requested");
            assertThat(step.timeline().get(0).actor()).isEqualTo("alice");
            assertThat(step.timeline().get(0).detail()).contains("phase 3 (full-rollout)");

            // the plan's own parameters are untouched
            assertThat(h.plan.get(3).parameters()).doesNotContainKey("promoted");

            // the skipped phase's late result is stale; the rest runs on to the end
            h.on(h.passed(1));
            h.assertIgnored();
            h.on(h.started(3));
            h.assertRequested(h.on(h.passed(3)), 4, false);
            h.on(h.passed(4));
            h.assertFinished(
                    h.on(h.passed(5)), DeploymentFinished.Outcome.SUCCEEDED, "all phases passed");
        }

        @Test
        void promoteFromPausedResumesAtFullTraffic() {
            MachineHarness h = atFivePercent();
            h.pause("alice", null);

            Step step = h.promote("bob");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            h.assertRequested(step, 3, true);
            assertThat(h.phaseStatuses().subList(1, 3)).containsOnly(PhaseStatus.SKIPPED);
        }

        @Test
        void promoteFromPausedAfterTheCurrentPhasePassedKeepsItsVerdict() {
            MachineHarness h = atFivePercent();
            h.pause("alice", null);
            h.on(h.passed(1));

            Step step = h.promote("bob");

            h.assertRequested(step, 3, true);
            assertThat(h.phaseStatuses())
                    .containsExactly(
                            PhaseStatus.PASSED,
                            PhaseStatus.PASSED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.REQUESTED,
                            PhaseStatus.PENDING,
                            PhaseStatus.PENDING);
            assertThat(h.phase(1).verdict()).isEqualTo("all criteria met");
        }

        @Test
        void aBlueGreenPromotesToItsHundredPercentShift() {
            MachineHarness h = MachineHarness.of("blue-green", 1);
            h.admit(false);
            h.approve("alice", false);
            h.runTo(2);

            Step step = h.promote("bob");

            PhaseRequested requested = h.assertRequested(step, 10, true);
            assertThat(requested.parameters()).containsEntry("weight", 100);
            assertThat(h.phaseStatuses().subList(2, 10)).containsOnly(PhaseStatus.SKIPPED);
            assertThat(h.phaseStatuses().subList(0, 2)).containsOnly(PhaseStatus.PASSED);
            assertThat(h.phaseStatuses().subList(11, 13)).containsOnly(PhaseStatus.PENDING);
        }

        @Test
        void promoteIsRefusedAtOrAfterFullTraffic() {
            MachineHarness atFull = MachineHarness.canary().runTo(3);
            atFull.promote("alice");
            atFull.assertRefused("full traffic");

            MachineHarness after = MachineHarness.canary().runTo(4);
            after.promote("alice");
            after.assertRefused("full traffic");

            MachineHarness promoted = atFivePercent();
            promoted.promote("alice");
            promoted.promote("alice");
            promoted.assertRefused("full traffic");
        }

        @Test
        void aPlanWithoutAFullTrafficPhaseHasNothingToPromote() {
            MachineHarness h = MachineHarness.of("rolling", 0).runTo(1);

            h.promote("alice");

            h.assertRefused("nothing to promote");
        }

        @Test
        void promoteIsRefusedUnlessInProgressOrPaused() {
            MachineHarness requested = MachineHarness.canary();
            requested.admit(true);
            requested.promote("alice");
            requested.assertRefused("REQUESTED");

            MachineHarness rollingBack = atFivePercent();
            rollingBack.rollBack("alice", null, true);
            rollingBack.promote("alice");
            rollingBack.assertRefused("ROLLING_BACK");

            MachineHarness done = succeeded();
            done.promote("alice");
            done.assertRefused("SUCCEEDED");
        }
    }

    @Nested
    class ManualRollback {

        @Test
        void aManualRollbackPublishesOneRollbackRequested() {
            MachineHarness h = atFivePercent();

            Step step = h.rollBack("alice", "customers complain", true);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
            RollbackRequested rollback =
                    h.assertRollbackRequested(step, "alice", "customers complain");
            assertThat(rollback.reason())
                    .isEqualTo("rollback requested by alice: customers complain");
            assertThat(h.state.reason()).isEqualTo(rollback.reason());
            assertThat(h.phaseStatuses())
                    .containsExactly(
                            PhaseStatus.PASSED,
                            PhaseStatus.FAILED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED);
            assertThat(h.phase(1).verdict()).isEqualTo("rolled back by alice");
            assertThat(actions(step)).containsExactly("rolling-back");
            assertThat(step.timeline().get(0).actor()).isEqualTo("alice");

            h.rollBack("bob", "me too", true);
            h.assertRefused("already rolling back");

            h.tick(Duration.ofMinutes(1));
            Step done = h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, null));
            h.assertFinished(
                    done,
                    DeploymentFinished.Outcome.ROLLED_BACK,
                    "rollback requested by alice: customers complain");
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        }

        @Test
        void aManualRollbackFromPausedRollsBack() {
            MachineHarness h = atFivePercent();
            h.pause("alice", null);

            Step step = h.rollBack("bob", null, true);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            RollbackRequested rollback =
                    h.assertRollbackRequested(step, "bob", "rollback requested by bob");
            assertThat(rollback.reason()).isEqualTo("rollback requested by bob");
        }

        @Test
        void withoutPublishNoRollbackRequestedIsEmitted() {
            MachineHarness h = atFivePercent();

            Step step = h.rollBack("alice", "handled elsewhere", false);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(step.events()).isEmpty();
            assertThat(actions(step)).containsExactly("rolling-back");
        }

        @Test
        void aManualRollbackIsRefusedUnlessInProgressOrPaused() {
            MachineHarness queued = MachineHarness.canary();
            queued.admit(true);
            queued.rollBack("alice", null, true);
            queued.assertRefused("REQUESTED");

            MachineHarness awaiting = MachineHarness.of("blue-green", 1);
            awaiting.admit(false);
            awaiting.rollBack("alice", null, true);
            awaiting.assertRefused("AWAITING_APPROVAL");

            MachineHarness done = succeeded();
            done.rollBack("alice", null, true);
            done.assertRefused("SUCCEEDED");

            MachineHarness rolledBack = rolledBack();
            rolledBack.rollBack("alice", null, true);
            rolledBack.assertRefused("ROLLED_BACK");
        }
    }

    @Nested
    class RollbackRequestedByOtherSystems {

        @Test
        void isHonouredWithoutPublishingASecondOne() {
            MachineHarness h = atFivePercent();

            Step step = h.on(h.rollbackRequestedFor(1, "incident INC-42 (P1)"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(step.events()).isEmpty();
            assertThat(actions(step)).containsExactly("rolling-back");
            assertThat(step.timeline().get(0).actor()).isEqualTo(INCIDENTS);
            assertThat(h.state.reason())
                    .isEqualTo("rollback requested by " + INCIDENTS + ": incident INC-42 (P1)");
            assertThat(h.phase(1).status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(h.phaseStatuses().subList(2, 6)).containsOnly(PhaseStatus.SKIPPED);

            h.on(h.rollbackRequestedFor(1, "incident INC-42 (P1)"));
            h.assertRefused("already rolling back");

            Step done = h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable"));
            h.assertFinished(done, DeploymentFinished.Outcome.ROLLED_BACK, "incident INC-42 (P1)");
        }

        @Test
        void aRequestForAnotherAttemptIsIgnored() {
            MachineHarness h = atFivePercent();

            h.on(h.rollbackRequestedFor(2, "not this one"));
            h.assertIgnored();
            h.on(h.rollbackRequestedFor(0, "an older one"));
            h.assertIgnored();
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
        }

        @Test
        void isRefusedOnceFinished() {
            MachineHarness h = succeeded();

            h.on(h.rollbackRequestedFor(1, "too late"));

            h.assertRefused("SUCCEEDED");
        }
    }
}
