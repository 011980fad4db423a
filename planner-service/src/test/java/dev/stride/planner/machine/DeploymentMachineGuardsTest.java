package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.RollbackRequested;
import dev.stride.events.ThresholdBreached;
import org.junit.jupiter.api.Test;

/** Guards that keep a deployment from doing more than it should: checks before traffic, blind metrics. */
class DeploymentMachineGuardsTest {

    @Test
    void failedPreDeploymentChecksRejectTheDeploymentWithNothingToRollBack() {
        MachineHarness h = MachineHarness.canary();
        h.admit(false);

        Step step = h.on(h.failed(0, "payments health: got 503, expected 200"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.REJECTED);
        assertThat(eventTypes(step)).doesNotContain(RollbackRequested.class);
        h.assertFinished(step, DeploymentFinished.Outcome.REJECTED, "pre-deployment checks failed");
        assertThat(h.phaseStatuses().get(0)).isEqualTo(PhaseStatus.FAILED);
        assertThat(h.phaseStatuses().subList(1, h.phaseStatuses().size()))
                .containsOnly(PhaseStatus.SKIPPED);
    }

    @Test
    void aLaterFailedPhaseStillRollsBack() {
        MachineHarness h = MachineHarness.canary().runTo(1);

        Step step = h.on(h.failed(1, "error budget spent"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        assertThat(eventTypes(step)).contains(RollbackRequested.class);
    }

    @Test
    void promotionWaitsForThePreDeploymentChecks() {
        MachineHarness h = MachineHarness.canary();
        h.admit(false);

        h.promote("oncall");

        h.assertRefused("pre-deployment checks");
    }

    @Test
    void noDataOnATriggerThatOnlyAlertsIsRecordedWithoutPausing() {
        MachineHarness h = MachineHarness.canary().runTo(1);
        h.on(h.started(1));

        Step step =
                h.on(h.breach(1, ThresholdBreached.Kind.NO_DATA, ThresholdBreached.Action.ALERT));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
        assertThat(step.events()).isEmpty();
        assertThat(MachineHarness.actions(step)).containsExactly("alert");
    }

    @Test
    void resumingClearsThePausesReason() {
        MachineHarness h = MachineHarness.canary().runTo(1);
        h.pause("oncall", "looking at a dashboard");
        assertThat(h.state.reason()).contains("dashboard");

        h.resume("oncall");

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
        assertThat(h.state.reason()).isNull();
    }

    @Test
    void onlyAFreshRequestCanBeRejected() {
        MachineHarness h = MachineHarness.canary();
        h.admit(false);

        h.reject("too late");

        h.assertIgnored();
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
    }

    @Test
    void preDeploymentChecksThatMissTheirDeadlineRejectWithNothingToRollBack() {
        MachineHarness h = MachineHarness.canary();
        h.admit(false);
        h.tick(MachineHarness.MARGIN);

        Step step = h.deadlinePassed(0);

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.REJECTED);
        assertThat(eventTypes(step)).doesNotContain(RollbackRequested.class);
        h.assertFinished(
                step, DeploymentFinished.Outcome.REJECTED, "did not start by its deadline");
    }

    @Test
    void theFourEyesRuleIgnoresCaseSpacesAndUnicodeForms() {
        MachineHarness h = MachineHarness.of("canary", 2);
        h.admit(false);

        for (String sameAsRequester : new String[] {"CI", " ci", "\u00a0ci\t", "\uff43\uff49"}) {
            Step own = h.approve(sameAsRequester, false);
            assertThat(own.forbidden()).as("'%s'", sameAsRequester).isTrue();
            assertThat(own.refusal()).contains("cannot approve their own");
        }
        h.approve("alice", false);
        h.approve("Alice", false);
        h.assertRefused("already approved");
    }

    @Test
    void aDeploymentWithoutAPlanNeverStarts() {
        MachineHarness h = MachineHarness.canary();
        h.state =
                new DeploymentState(
                        h.state.id(),
                        h.state.request(),
                        DeploymentStatus.REQUESTED,
                        1,
                        -1,
                        java.util.List.of(),
                        java.util.List.of(),
                        0,
                        null,
                        h.now,
                        null,
                        false,
                        null,
                        null);

        h.admit(false);
        h.assertIgnored();
        h.dequeue();
        h.assertIgnored();
    }
}
