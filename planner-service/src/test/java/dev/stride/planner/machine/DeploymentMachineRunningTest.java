package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.MARGIN;
import static dev.stride.planner.machine.MachineHarness.VERIFIER;
import static dev.stride.planner.machine.MachineHarness.actions;
import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static dev.stride.planner.machine.MachineHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentPaused;
import dev.stride.events.DeploymentResumed;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseRequested;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.ThresholdBreached.Action;
import dev.stride.events.ThresholdBreached.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A running deployment, event by event: phase results, duplicates and stale events, threshold breaches (also
 * during a pause). Deadlines and rollback completion are in {@link DeploymentMachineDeadlinesTest}. Canary plan:
 * 0 pre-checks, 1 initial 5% (10m), 2 ramp-up 25% (15m), 3 full-rollout 100%, 4 post-checks, 5 finalize.
 */
class DeploymentMachineRunningTest {

    private static final String BREACH = "error_rate 7.5 against 5% over 5m (trigger)";

    @Nested
    class PhaseResults {

        @Test
        void aFailedPhaseRollsBackWithOneRollbackRequestedAndSkipsTheRest() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            Step step = h.on(h.failed(2, "error rate 3%"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(h.state.currentPhase()).isEqualTo(2);
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
            RollbackRequested rollback =
                    h.assertRollbackRequested(step, VERIFIER, "phase 2 (ramp-up) failed");
            assertThat(rollback.reason()).isEqualTo("phase 2 (ramp-up) failed: error rate 3%");
            assertThat(h.state.reason()).isEqualTo(rollback.reason());
            assertThat(h.phaseStatuses())
                    .containsExactly(
                            PhaseStatus.PASSED,
                            PhaseStatus.PASSED,
                            PhaseStatus.FAILED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED);
            assertThat(h.phase(2).verdict()).isEqualTo("error rate 3%");
            assertThat(h.phase(2).completedAt()).isEqualTo(h.now);
            assertThat(h.phase(2).deadline()).isNull();
            assertThat(h.phase(3).verdict()).isEqualTo("rolled back");
            assertThat(actions(step)).containsExactly("phase-failed", "rolling-back");
            assertThat(h.state.finishedAt()).isNull();
        }

        @Test
        void theSamePhaseCompletedTwiceMovesOnOnce() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            h.assertRequested(h.on(h.passed(2)), 3, false);

            h.on(h.passed(2));

            h.assertIgnored();
            assertThat(h.state.currentPhase()).isEqualTo(3);
        }

        @Test
        void theSameFailureTwiceRequestsOneRollback() {
            MachineHarness h = MachineHarness.canaryRollingBack();

            h.on(h.failed(2, "error rate 3%"));

            h.assertIgnored();
        }

        @Test
        void staleResultsChangeNothing() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            h.on(h.passed(1));
            h.assertIgnored();
            h.on(h.failed(1, "old news"));
            h.assertIgnored();
            h.on(h.passed(3));
            h.assertIgnored();
            h.on(h.completedFor(2, 2, PhaseCompleted.Outcome.PASSED, "another attempt"));
            h.assertIgnored();
            h.on(h.completedFor(0, 2, PhaseCompleted.Outcome.FAILED, "an older attempt"));
            h.assertIgnored();
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.RUNNING);
        }

        @Test
        void staleOrDuplicateStartsChangeNothing() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            h.on(h.started(2));
            h.assertIgnored();
            h.on(h.started(1));
            h.assertIgnored();
            h.on(h.started(3));
            h.assertIgnored();
            h.on(h.startedFor(2, 2));
            h.assertIgnored();
        }

        @Test
        void eventsForTheRunningPhaseAreIgnoredWhileRollingBack() {
            MachineHarness h = MachineHarness.canaryRollingBack();

            h.on(h.passed(2));
            h.assertIgnored();
            h.on(h.started(2));
            h.assertIgnored();
            h.on(h.breach(2, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));
            h.assertIgnored();
            h.on(h.breach(2, Kind.NO_DATA, Action.PAUSE));
            h.assertIgnored();
        }

        @Test
        void phaseEventsBeforeTheStartAreIgnored() {
            MachineHarness h = MachineHarness.of("blue-green", 1);
            h.admit(false);

            h.on(h.started(0));
            h.assertIgnored();
            h.on(h.passed(0));
            h.assertIgnored();
            h.on(h.breach(0, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));
            h.assertIgnored();
            h.deadlinePassed(0);
            h.assertIgnored();
        }
    }

    @Nested
    class Breaches {

        @Test
        void automaticRollbackRollsBackOnceEvenWhenTheBreachArrivesThreeTimes() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            List<StrideEvent> emitted = new ArrayList<>();
            ThresholdBreached breach = h.breach(2, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK);

            Step first = h.on(breach);
            emitted.addAll(first.events());
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(eventTypes(first)).containsExactly(RollbackRequested.class);
            RollbackRequested rollback =
                    h.assertRollbackRequested(first, VERIFIER, "threshold breached: " + BREACH);
            assertThat(h.state.reason()).isEqualTo(rollback.reason());
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(h.phase(2).verdict()).isEqualTo("breach: " + BREACH);
            assertThat(h.phaseStatuses().subList(3, 6)).containsOnly(PhaseStatus.SKIPPED);
            assertThat(actions(first)).containsExactly("breach", "rolling-back");
            assertThat(first.timeline().get(0).detail())
                    .isEqualTo(BREACH + ", action automatic_rollback");

            for (int i = 0; i < 2; i++) {
                h.tick(Duration.ofSeconds(15));
                emitted.addAll(h.on(breach).events());
                h.assertIgnored();
            }
            assertThat(emitted).hasSize(1).first().isInstanceOf(RollbackRequested.class);
        }

        @Test
        void aFailedSuccessCriterionWithAutomaticRollbackRollsBackToo() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            Step step = h.on(h.breach(2, Kind.CRITERIA, Action.AUTOMATIC_ROLLBACK));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            h.assertRollbackRequested(step, VERIFIER, "(criteria)");
        }

        @Test
        void aBreachOnAPhaseThatHasNotStartedYetFailsIt() {
            MachineHarness h = MachineHarness.canary().runTo(1);

            Step step = h.on(h.breach(1, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));

            assertThat(h.phase(1).status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(h.phase(1).startedAt()).isNull();
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
        }

        @Test
        void pauseActionPausesAndClearsTheDeadline() {
            MachineHarness h = MachineHarness.canaryRampingUp();
            assertThat(h.phase(2).deadline()).isNotNull();

            Step step = h.on(h.breach(2, Kind.TRIGGER, Action.PAUSE));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);
            assertThat(eventTypes(step)).containsExactly(DeploymentPaused.class);
            assertThat(only(step, DeploymentPaused.class).pausedBy()).isEqualTo(VERIFIER);
            assertThat(actions(step)).containsExactly("breach", "paused");
            assertThat(step.timeline().get(0).detail()).isEqualTo(BREACH + ", action pause");
            assertThat(h.state.reason()).isEqualTo("paused: " + BREACH);
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.RUNNING);
            assertThat(h.phase(2).deadline()).isNull();
            assertThat(h.state.currentPhase()).isEqualTo(2);
        }

        @Test
        void alertOnlyGoesInTheTimeline() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            Step step = h.on(h.breach(2, Kind.TRIGGER, Action.ALERT));

            assertThat(step.events()).isEmpty();
            assertThat(actions(step)).containsExactly("alert");
            assertThat(step.timeline().get(0).detail()).isEqualTo(BREACH);
            assertThat(step.timeline().get(0).actor()).isEqualTo(VERIFIER);
            assertThat(h.state).isEqualTo(h.before);
        }

        @Test
        void noDataPausesInsteadOfRollingBack() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            Step step = h.on(h.breach(2, Kind.NO_DATA, Action.AUTOMATIC_ROLLBACK));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);
            assertThat(eventTypes(step)).containsExactly(DeploymentPaused.class);
            assertThat(actions(step)).containsExactly("breach", "paused");
            assertThat(step.timeline().get(0).detail())
                    .contains("(no value)")
                    .contains("(no_data)");
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.RUNNING);
            assertThat(h.phase(2).deadline()).isNull();
        }

        @Test
        void aMetricsProviderErrorPausesInsteadOfRollingBack() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            Step step = h.on(h.breach(2, Kind.PROVIDER_ERROR, Action.AUTOMATIC_ROLLBACK));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);
            assertThat(eventTypes(step)).containsExactly(DeploymentPaused.class);
            assertThat(step.timeline().get(0).detail()).contains("(provider_error)");
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.RUNNING);
        }

        @Test
        void staleBreachesChangeNothing() {
            MachineHarness h = MachineHarness.canaryRampingUp();

            h.on(h.breach(1, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));
            h.assertIgnored();
            h.on(h.breach(3, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));
            h.assertIgnored();
            h.on(h.breachFor(2, 2, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));
            h.assertIgnored();
            h.on(h.breachFor(0, 2, Kind.TRIGGER, Action.PAUSE));
            h.assertIgnored();
        }
    }

    @Nested
    class BreachesDuringPause {

        @Test
        void automaticRollbackFromPausedRollsBack() {
            MachineHarness h = MachineHarness.canaryPaused();

            Step step = h.on(h.breach(2, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
            h.assertRollbackRequested(step, VERIFIER, "threshold breached: " + BREACH);
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.FAILED);
            assertThat(actions(step)).containsExactly("breach", "rolling-back");

            h.on(h.breach(2, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));
            h.assertIgnored();
        }

        @Test
        void pauseWhilePausedOnlyRecordsTheBreach() {
            MachineHarness h = MachineHarness.canaryPaused();

            Step step = h.on(h.breach(2, Kind.TRIGGER, Action.PAUSE));

            assertThat(step.events()).isEmpty();
            assertThat(actions(step)).containsExactly("breach");
            assertThat(h.state).isEqualTo(h.before);
            assertThat(h.state.reason()).isEqualTo("looking at a dashboard");
        }

        @Test
        void noDataOrProviderErrorWhilePausedOnlyRecordTheBreach() {
            MachineHarness h = MachineHarness.canaryPaused();

            Step noData = h.on(h.breach(2, Kind.NO_DATA, Action.AUTOMATIC_ROLLBACK));
            assertThat(noData.events()).isEmpty();
            assertThat(actions(noData)).containsExactly("breach");
            assertThat(h.state).isEqualTo(h.before);

            Step providerError = h.on(h.breach(2, Kind.PROVIDER_ERROR, Action.PAUSE));
            assertThat(providerError.events()).isEmpty();
            assertThat(actions(providerError)).containsExactly("breach");
            assertThat(h.state).isEqualTo(h.before);
        }

        @Test
        void alertWhilePausedOnlyRecordsTheAlert() {
            MachineHarness h = MachineHarness.canaryPaused();

            Step step = h.on(h.breach(2, Kind.TRIGGER, Action.ALERT));

            assertThat(step.events()).isEmpty();
            assertThat(actions(step)).containsExactly("alert");
            assertThat(h.state).isEqualTo(h.before);
        }

        @Test
        void automaticRollbackAfterThePausedPhasePassedRollsBackAndKeepsItsVerdict() {
            MachineHarness h = MachineHarness.canaryPaused();
            h.on(h.passed(2));
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.PASSED);

            Step step = h.on(h.breach(2, Kind.TRIGGER, Action.AUTOMATIC_ROLLBACK));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.PASSED);
            assertThat(h.phase(2).verdict()).isEqualTo("all criteria met");
            assertThat(h.phaseStatuses().subList(3, 6)).containsOnly(PhaseStatus.SKIPPED);
        }
    }

    @Nested
    class PhaseResultsDuringPause {

        @Test
        void aPassWhilePausedDoesNotAdvanceAndResumeThenAdvances() {
            MachineHarness h = MachineHarness.canaryPaused();
            h.tick(Duration.ofMinutes(20));

            Step passed = h.on(h.passed(2));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);
            assertThat(h.state.currentPhase()).isEqualTo(2);
            assertThat(passed.events()).isEmpty();
            assertThat(actions(passed)).containsExactly("phase-passed");
            assertThat(h.phase(2).status()).isEqualTo(PhaseStatus.PASSED);
            assertThat(h.phase(2).completedAt()).isEqualTo(h.now);
            assertThat(h.phase(3).status()).isEqualTo(PhaseStatus.PENDING);

            h.on(h.passed(2));
            h.assertIgnored();

            h.tick(Duration.ofMinutes(5));
            Step resumed = h.resume("alice");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            assertThat(eventTypes(resumed))
                    .containsExactly(DeploymentResumed.class, PhaseRequested.class);
            assertThat(only(resumed, PhaseRequested.class).phase()).isEqualTo(3);
            assertThat(actions(resumed)).containsExactly("resumed", "phase-requested");
            assertThat(resumed.timeline().get(0).actor()).isEqualTo("alice");
        }

        @Test
        void aFailureWhilePausedRollsBack() {
            MachineHarness h = MachineHarness.canaryPaused();

            Step step = h.on(h.failed(2, "error rate 3%"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
            assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
            h.assertRollbackRequested(step, VERIFIER, "phase 2 (ramp-up) failed: error rate 3%");
        }

        @Test
        void theLastPhasePassingWhilePausedSucceedsOnResume() {
            MachineHarness h = MachineHarness.canary().runTo(5);
            h.pause("alice", null);
            h.on(h.passed(5));
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);
            assertThat(h.last.events()).isEmpty();

            Step resumed = h.resume("alice");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(eventTypes(resumed))
                    .containsExactly(DeploymentResumed.class, DeploymentFinished.class);
            h.assertFinished(resumed, DeploymentFinished.Outcome.SUCCEEDED, "all phases passed");
            assertThat(actions(resumed)).containsExactly("resumed", "succeeded");
        }

        @Test
        void aStartWhilePausedRunsWithoutADeadlineUntilResumed() {
            MachineHarness h = MachineHarness.canary().runTo(1);
            h.pause("alice", null);
            h.tick(Duration.ofMinutes(1));

            h.on(h.started(1));
            assertThat(h.phase(1).status()).isEqualTo(PhaseStatus.RUNNING);
            assertThat(h.phase(1).startedAt()).isEqualTo(h.now);
            assertThat(h.phase(1).deadline()).isNull();
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);

            h.tick(Duration.ofHours(1));
            h.resume("alice");
            assertThat(h.phase(1).deadline())
                    .isEqualTo(h.now.plus(Duration.ofMinutes(10)).plus(MARGIN));
        }
    }
}
