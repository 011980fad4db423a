package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.EXECUTOR;
import static dev.stride.planner.machine.MachineHarness.MARGIN;
import static dev.stride.planner.machine.MachineHarness.REQUESTER;
import static dev.stride.planner.machine.MachineHarness.T0;
import static dev.stride.planner.machine.MachineHarness.VERIFIER;
import static dev.stride.planner.machine.MachineHarness.actions;
import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseStarted;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.ThresholdBreached;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The deployment state machine from admission to the end of a run, driven event by event. Running details
 * (breaches, deadlines, rollbacks) are in {@link DeploymentMachineRunningTest} and
 * {@link DeploymentMachineDeadlinesTest}; manual controls in {@link DeploymentMachineControlsTest}.
 */
class DeploymentMachineTest {

    @Nested
    class Admission {

        @Test
        void withoutApprovalsOrAQueueItStartsAndRequestsPhaseZero() {
            MachineHarness h = MachineHarness.canary();

            Step step = h.admit(false);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            assertThat(step.isRefused()).isFalse();
            h.assertRequested(step, 0, false);
            assertThat(h.phase(0).plan().type()).isEqualTo(PhaseType.CHECKS);
            assertThat(h.phaseStatuses())
                    .containsExactly(
                            PhaseStatus.REQUESTED,
                            PhaseStatus.PENDING,
                            PhaseStatus.PENDING,
                            PhaseStatus.PENDING,
                            PhaseStatus.PENDING,
                            PhaseStatus.PENDING);
            assertThat(h.phase(0).deadline()).isEqualTo(T0.plus(MARGIN));
            assertThat(actions(step)).containsExactly("requested", "started", "phase-requested");
            assertThat(step.timeline())
                    .extracting(TimelineEntry::actor)
                    .containsExactly(REQUESTER, "planner", "planner");
            assertThat(step.timeline().get(0).detail()).isEqualTo("canary of 2.4.0 to staging");
            assertThat(step.timeline().get(1).detail()).isEqualTo("6 phases planned");
            h.assertStampedNow(step);
            assertThat(h.state.attempt()).isEqualTo(1);
            assertThat(h.state.finishedAt()).isNull();
        }

        @Test
        void aDeploymentNeedingApprovalsWaitsWithoutRequestingAnything() {
            MachineHarness h = MachineHarness.of("blue-green", 1);

            Step step = h.admit(false);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.AWAITING_APPROVAL);
            assertThat(h.state.currentPhase()).isEqualTo(-1);
            assertThat(step.events()).isEmpty();
            assertThat(actions(step)).containsExactly("requested", "awaiting-approval");
            assertThat(step.timeline().get(1).detail())
                    .contains("1 approval(s)")
                    .contains(REQUESTER);
            assertThat(h.phaseStatuses()).containsOnly(PhaseStatus.PENDING);
        }

        @Test
        void approvalsComeBeforeTheQueue() {
            MachineHarness h = MachineHarness.of("blue-green", 1);

            h.admit(true);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.AWAITING_APPROVAL);
            assertThat(actions(h.last)).containsExactly("requested", "awaiting-approval");
        }

        @Test
        void withAnotherActiveDeploymentItStaysRequestedInTheQueueAndEmitsNothing() {
            MachineHarness h = MachineHarness.canary();

            Step step = h.admit(true);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.REQUESTED);
            assertThat(h.state.currentPhase()).isEqualTo(-1);
            assertThat(step.events()).isEmpty();
            assertThat(actions(step)).containsExactly("requested", "queued");
            assertThat(step.timeline().get(1).detail()).contains("checkout").contains("staging");
            assertThat(h.phaseStatuses()).containsOnly(PhaseStatus.PENDING);
        }

        @Test
        void admittingAgainOnceStartedOrWaitingChangesNothing() {
            MachineHarness started = MachineHarness.canary();
            started.admit(false);
            started.admit(false);
            started.assertIgnored();

            MachineHarness waiting = MachineHarness.of("blue-green", 1);
            waiting.admit(false);
            waiting.admit(false);
            waiting.assertIgnored();
        }

        @Test
        void aQueuedDeploymentStartsWhenDequeued() {
            MachineHarness h = MachineHarness.canary();
            h.admit(true);
            h.tick(Duration.ofMinutes(7));

            Step step = h.dequeue();

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            h.assertRequested(step, 0, false);
            assertThat(actions(step)).containsExactly("started", "phase-requested");
            assertThat(h.phase(0).deadline())
                    .isEqualTo(T0.plus(Duration.ofMinutes(7)).plus(MARGIN));
        }

        @Test
        void dequeueLeavesAloneWhatIsNotWaitingInTheQueue() {
            MachineHarness started = MachineHarness.canary();
            started.admit(false);
            started.dequeue();
            started.assertIgnored();

            MachineHarness awaiting = MachineHarness.of("blue-green", 1);
            awaiting.admit(true);
            awaiting.dequeue();
            awaiting.assertIgnored();

            MachineHarness aborted = MachineHarness.canary();
            aborted.admit(true);
            aborted.abort("alice", null);
            aborted.dequeue();
            aborted.assertIgnored();
        }
    }

    @Nested
    class Rejection {

        @Test
        void aRejectedRequestEndsRejectedWithDeploymentFinished() {
            MachineHarness h = MachineHarness.of("blue-green", 1);

            Step step = h.reject("production needs 2.4.0 to have succeeded in staging");

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.REJECTED);
            assertThat(eventTypes(step)).containsExactly(DeploymentFinished.class);
            h.assertFinished(
                    step,
                    DeploymentFinished.Outcome.REJECTED,
                    "production needs 2.4.0 to have succeeded in staging");
            assertThat(actions(step)).containsExactly("requested", "rejected");
            assertThat(step.timeline().get(0).actor()).isEqualTo(REQUESTER);
            assertThat(h.state.currentPhase()).isEqualTo(-1);
            assertThat(h.phaseStatuses()).containsOnly(PhaseStatus.PENDING);
        }

        @Test
        void aSecondRejectionOrAnAdmissionAfterItChangesNothing() {
            MachineHarness h = MachineHarness.canary();
            h.reject("no");

            h.reject("no again");
            h.assertIgnored();
            h.admit(false);
            h.assertIgnored();
            h.dequeue();
            h.assertIgnored();
        }
    }

    @Nested
    class Approvals {

        @Test
        void theRequesterCannotApproveTheirOwnDeployment() {
            MachineHarness h = MachineHarness.of("blue-green", 1);
            h.admit(false);

            Step step = h.approve(REQUESTER, false);

            assertThat(step.isRefused()).isTrue();
            assertThat(step.forbidden()).isTrue();
            assertThat(step.refusal()).contains("cannot approve their own deployment");
            assertThat(step.events()).isEmpty();
            assertThat(step.timeline()).isEmpty();
            assertThat(h.state).isEqualTo(h.before);
            assertThat(h.state.approvals()).isEmpty();
        }

        @Test
        void oneApprovalOfOneNeededStartsTheDeployment() {
            MachineHarness h = MachineHarness.of("blue-green", 1);
            h.admit(false);
            h.tick(Duration.ofHours(1));

            Step step = h.approve("alice", false);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            assertThat(h.state.approvals()).containsExactly("alice");
            h.assertRequested(step, 0, false);
            assertThat(actions(step)).containsExactly("approved", "started", "phase-requested");
            assertThat(step.timeline().get(0).actor()).isEqualTo("alice");
            assertThat(step.timeline().get(0).detail()).isEqualTo("looks good");
            assertThat(step.timeline().get(1).detail()).isEqualTo("13 phases planned");
            h.assertStampedNow(step);
        }

        @Test
        void twoApprovalsFromTwoPeopleAreNeededWhenTwoAreRequired() {
            MachineHarness h = MachineHarness.of("blue-green", 2);
            h.admit(false);

            Step first = h.approve("alice", false);
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.AWAITING_APPROVAL);
            assertThat(h.state.approvals()).containsExactly("alice");
            assertThat(first.events()).isEmpty();
            assertThat(actions(first)).containsExactly("approved");

            h.approve("alice", false);
            h.assertRefused("alice has already approved");
            assertThat(h.state.approvals()).containsExactly("alice");

            h.approve(REQUESTER, false);
            assertThat(h.last.forbidden()).isTrue();
            assertThat(h.state).isEqualTo(h.before);

            Step second = h.approve("bob", false);
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            assertThat(h.state.approvals()).containsExactly("alice", "bob");
            h.assertRequested(second, 0, false);
            assertThat(actions(second)).containsExactly("approved", "started", "phase-requested");
        }

        @Test
        void enoughApprovalsWithAnotherDeploymentActiveQueueItThenDequeueStartsIt() {
            MachineHarness h = MachineHarness.of("blue-green", 1);
            h.admit(false);

            Step approved = h.approve("alice", true);

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.REQUESTED);
            assertThat(h.state.currentPhase()).isEqualTo(-1);
            assertThat(approved.events()).isEmpty();
            assertThat(actions(approved)).containsExactly("approved", "queued");

            h.approve("bob", false);
            h.assertRefused("this one is REQUESTED");

            h.tick(Duration.ofMinutes(30));
            Step started = h.dequeue();
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
            h.assertRequested(started, 0, false);
            assertThat(actions(started)).containsExactly("started", "phase-requested");
        }

        @Test
        void approvingInAnyOtherStateIsRefused() {
            MachineHarness notAdmitted = MachineHarness.of("blue-green", 1);
            notAdmitted.approve("alice", false);
            notAdmitted.assertRefused("this one is REQUESTED");

            MachineHarness running = MachineHarness.canary();
            running.admit(false);
            running.approve("alice", false);
            running.assertRefused("IN_PROGRESS");

            MachineHarness approvedAlready = MachineHarness.of("blue-green", 1);
            approvedAlready.admit(false);
            approvedAlready.approve("alice", false);
            approvedAlready.approve("bob", false);
            approvedAlready.assertRefused("IN_PROGRESS");

            MachineHarness rejected = MachineHarness.of("blue-green", 1);
            rejected.reject("no");
            rejected.approve("alice", false);
            rejected.assertRefused("REJECTED");
        }
    }

    @Nested
    class FullRuns {

        @Test
        void aCanaryRunsEveryPhaseInOrderToSucceeded() {
            MachineHarness h = MachineHarness.canary();
            h.assertRequested(h.admit(false), 0, false);
            List<Duration> holds =
                    h.plan.stream().map(p -> p.hold() == null ? Duration.ZERO : p.hold()).toList();
            assertThat(holds)
                    .containsExactly(
                            Duration.ZERO,
                            Duration.ofMinutes(10),
                            Duration.ofMinutes(15),
                            Duration.ZERO,
                            Duration.ZERO,
                            Duration.ZERO);

            for (int k = 0; k < 6; k++) {
                h.tick(Duration.ofSeconds(20));
                Instant startedAt = h.now;
                Step started = h.on(h.started(k));
                assertThat(started.events()).as("phase %d started", k).isEmpty();
                assertThat(actions(started)).containsExactly("phase-started");
                assertThat(started.timeline().get(0).actor()).isEqualTo(EXECUTOR);
                assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
                assertThat(h.state.currentPhase()).isEqualTo(k);
                assertThat(h.phase(k).status()).isEqualTo(PhaseStatus.RUNNING);
                assertThat(h.phase(k).startedAt()).isEqualTo(startedAt);
                assertThat(h.phase(k).deadline())
                        .isEqualTo(startedAt.plus(holds.get(k)).plus(MARGIN));

                h.tick(holds.get(k).plusSeconds(30));
                Step completed = h.on(h.passed(k));
                assertThat(h.phase(k).status()).isEqualTo(PhaseStatus.PASSED);
                assertThat(h.phase(k).verdict()).isEqualTo("all criteria met");
                assertThat(h.phase(k).completedAt()).isEqualTo(h.now);
                assertThat(h.phase(k).startedAt()).isEqualTo(startedAt);
                assertThat(h.phase(k).deadline()).isNull();
                assertThat(completed.timeline().get(0).actor()).isEqualTo(VERIFIER);
                if (k < 5) {
                    assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
                    h.assertRequested(completed, k + 1, false);
                    assertThat(actions(completed))
                            .containsExactly("phase-passed", "phase-requested");
                    assertThat(h.phaseStatuses().subList(k + 2, 6))
                            .allMatch(st -> st == PhaseStatus.PENDING);
                } else {
                    assertThat(h.state.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
                    assertThat(eventTypes(completed)).containsExactly(DeploymentFinished.class);
                    h.assertFinished(
                            completed, DeploymentFinished.Outcome.SUCCEEDED, "all phases passed");
                    assertThat(actions(completed)).containsExactly("phase-passed", "succeeded");
                    assertThat(h.state.currentPhase()).isEqualTo(5);
                }
            }
            assertThat(h.phaseStatuses()).containsOnly(PhaseStatus.PASSED);
            assertThat(h.plan.get(1).parameters()).containsEntry("weight", 5);
            assertThat(h.plan.get(3).parameters()).containsEntry("weight", 100);
        }

        @Test
        void aCanaryBreachedThreeTimesEmitsOneRollbackRequestedOverTheWholeRunAndEndsRolledBack() {
            MachineHarness h = MachineHarness.canary().runTo(1);
            h.on(h.started(1));
            h.tick(Duration.ofMinutes(4));
            ThresholdBreached breach =
                    h.breach(
                            1,
                            ThresholdBreached.Kind.TRIGGER,
                            ThresholdBreached.Action.AUTOMATIC_ROLLBACK);
            h.on(breach);
            h.on(breach);
            h.on(breach);
            h.on(h.passed(1));
            h.tick(Duration.ofMinutes(1));
            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));
            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
            assertThat(h.emitted)
                    .extracting(e -> e.getClass().getSimpleName())
                    .containsExactly(
                            "PhaseRequested",
                            "PhaseRequested",
                            "RollbackRequested",
                            "DeploymentFinished");
            assertThat(h.emitted).filteredOn(RollbackRequested.class::isInstance).hasSize(1);
            assertThat(((DeploymentFinished) h.emitted.get(3)).outcome())
                    .isEqualTo(DeploymentFinished.Outcome.ROLLED_BACK);
            assertThat(h.timeline)
                    .extracting(TimelineEntry::action)
                    .containsExactly(
                            "requested",
                            "started",
                            "phase-requested",
                            "phase-started",
                            "phase-passed",
                            "phase-requested",
                            "phase-started",
                            "breach",
                            "rolling-back",
                            "rollback-succeeded",
                            "rolled-back");
            assertThat(h.phaseStatuses())
                    .containsExactly(
                            PhaseStatus.PASSED,
                            PhaseStatus.FAILED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED,
                            PhaseStatus.SKIPPED);
        }

        @Test
        void afterSucceededEveryLateEventChangesNothing() {
            MachineHarness h = MachineHarness.canary();
            h.runTo(5);
            h.on(h.started(5));
            h.on(h.passed(5));
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
            h.tick(Duration.ofHours(2));

            h.on(h.passed(5));
            h.assertIgnored();
            h.on(h.failed(5, "late"));
            h.assertIgnored();
            h.on(h.started(5));
            h.assertIgnored();
            h.on(h.passed(2));
            h.assertIgnored();
            h.on(
                    h.breach(
                            5,
                            ThresholdBreached.Kind.TRIGGER,
                            ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
            h.assertIgnored();
            h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "late"));
            h.assertIgnored();
            h.deadlinePassed(5);
            h.assertIgnored();
            h.admit(false);
            h.assertIgnored();
            h.reject("too late");
            h.assertIgnored();
        }

        @Test
        void aBlueGreenShiftsTenPercentAtATimeAfterItsApprovalToSucceeded() {
            MachineHarness h = MachineHarness.of("blue-green", 1);
            h.admit(false);
            h.approve("alice", false);

            List<Object> weights = new ArrayList<>();
            for (int k = 0; k < 13; k++) {
                h.tick(Duration.ofSeconds(10));
                h.on(h.started(k));
                assertThat(h.phase(k).deadline())
                        .isEqualTo(
                                h.now.plus(
                                                k >= 1 && k <= 10
                                                        ? Duration.ofMinutes(5)
                                                        : Duration.ZERO)
                                        .plus(MARGIN));
                h.tick(Duration.ofMinutes(5));
                Step step = h.on(h.passed(k));
                if (k < 12) {
                    Object weight =
                            h.assertRequested(step, k + 1, false).parameters().get("weight");
                    if (weight != null) {
                        weights.add(weight);
                    }
                } else {
                    h.assertFinished(
                            step, DeploymentFinished.Outcome.SUCCEEDED, "all phases passed");
                }
            }
            assertThat(weights).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
            assertThat(h.state.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
            assertThat(h.plan.get(12).type()).isEqualTo(PhaseType.FINALIZE);
        }

        @Test
        void aRollingUpdateRunsItsOneRolloutPhaseToSucceeded() {
            MachineHarness h = MachineHarness.of("rolling", 0);
            h.admit(false);
            assertThat(h.plan)
                    .extracting(p -> p.type())
                    .containsExactly(
                            PhaseType.CHECKS,
                            PhaseType.ROLLOUT,
                            PhaseType.CHECKS,
                            PhaseType.FINALIZE);
            h.runTo(1);

            h.on(h.started(1));
            assertThat(h.phase(1).deadline()).isEqualTo(h.now.plus(MARGIN));
            h.tick(Duration.ofMinutes(4));
            h.assertRequested(h.on(h.passed(1)), 2, false);
            h.on(h.passed(2));
            Step last = h.on(h.passed(3));

            assertThat(h.state.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
            h.assertFinished(last, DeploymentFinished.Outcome.SUCCEEDED, "all phases passed");
            assertThat(h.phaseStatuses()).containsOnly(PhaseStatus.PASSED);
        }

        @Test
        void aPhaseMayCompleteWithoutHavingReportedItsStart() {
            MachineHarness h = MachineHarness.canary();
            h.admit(false);
            h.tick(Duration.ofSeconds(40));

            Step step =
                    h.on(
                            new PhaseCompleted(
                                    MachineHarness.ID,
                                    1,
                                    0,
                                    PhaseType.CHECKS,
                                    PhaseCompleted.Outcome.PASSED,
                                    null));

            assertThat(h.phase(0).status()).isEqualTo(PhaseStatus.PASSED);
            assertThat(h.phase(0).startedAt()).isNull();
            assertThat(h.phase(0).verdict()).isEqualTo("passed");
            h.assertRequested(step, 1, false);
            // The start reported late is for a phase that is no longer current.
            h.on(h.started(0));
            h.assertIgnored();
        }

        @Test
        void theStartTakesTheExecutorsObservationTimeAndItsWeightsGoInTheTimeline() {
            MachineHarness h = MachineHarness.canary().runTo(1);
            h.tick(Duration.ofMinutes(1));
            Instant observed = h.now.minusSeconds(30);

            Step step =
                    h.on(
                            new PhaseStarted(
                                    MachineHarness.ID,
                                    1,
                                    1,
                                    PhaseType.TRAFFIC,
                                    Map.of("canary", 5),
                                    observed));

            assertThat(h.phase(1).startedAt()).isEqualTo(observed);
            assertThat(h.phase(1).deadline())
                    .isEqualTo(observed.plus(Duration.ofMinutes(10)).plus(MARGIN));
            assertThat(step.timeline().get(0).detail())
                    .contains("phase 1 TRAFFIC (initial)")
                    .contains("observed weights {canary=5}");
            assertThat(step.timeline().get(0).at()).isEqualTo(h.now);
        }

        @Test
        void aStartWithoutObservationTimeIsTakenAsNow() {
            MachineHarness h = MachineHarness.canary().runTo(2);
            h.tick(Duration.ofMinutes(3));

            Step step =
                    h.on(
                            new PhaseStarted(
                                    MachineHarness.ID,
                                    1,
                                    2,
                                    PhaseType.TRAFFIC,
                                    Collections.emptyMap(),
                                    null));

            assertThat(h.phase(2).startedAt()).isEqualTo(h.now);
            assertThat(h.phase(2).deadline())
                    .isEqualTo(h.now.plus(Duration.ofMinutes(15)).plus(MARGIN));
            assertThat(step.timeline().get(0).detail()).doesNotContain("observed weights");
        }
    }
}
