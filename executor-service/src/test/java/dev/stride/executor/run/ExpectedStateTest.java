package dev.stride.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.PhaseType;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.LiveState;
import dev.stride.executor.traffic.PlatformException;
import dev.stride.executor.traffic.TrafficAction;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExpectedStateTest {

    private static Execution traffic(int weight, String artifact) {
        return new Execution(
                1,
                UUID.randomUUID(),
                1,
                Execution.phaseStep(3),
                PhaseType.TRAFFIC,
                3,
                new KubernetesTarget("shop", "checkout", null, null),
                Map.of("weight", weight, "artifact", artifact),
                1);
    }

    // The executor reads each phase into its action once (PhaseActions); ExpectedState judges the
    // action.
    private static TrafficAction action(Execution e) throws PlatformException {
        return PhaseActions.parse(e.target().platform(), e.phaseType(), e.parameters());
    }

    @Test
    void aPhaseIsInPlaceWhenTheWeightMatchesAndThisReleaseRuns() throws PlatformException {
        Execution e = traffic(100, "registry/checkout:2.5.0");
        LiveState live =
                new LiveState(
                        Map.of("stable", 0, "canary", 100),
                        Map.of("canary", "registry/checkout:2.5.0"));

        assertThat(
                        ExpectedState.alreadyInPlace(
                                action(e), ExpectedState.canaryWeight(action(e)), live))
                .isTrue();
    }

    @Test
    void anEarlierReleasePromotedToFullTrafficIsNotThisOne() throws PlatformException {
        Execution e = traffic(100, "registry/checkout:2.5.0");
        LiveState previous =
                new LiveState(
                        Map.of("stable", 0, "canary", 100),
                        Map.of("stable", "registry/checkout:2.4.0"));

        assertThat(
                        ExpectedState.alreadyInPlace(
                                action(e), ExpectedState.canaryWeight(action(e)), previous))
                .isFalse();
    }

    @Test
    void platformsThatReportNoVersionsAreJudgedByWeightAlone() throws PlatformException {
        Execution e = traffic(25, "registry/checkout:2.5.0");

        assertThat(
                        ExpectedState.alreadyInPlace(
                                action(e),
                                25,
                                new LiveState(Map.of("stable", 75, "canary", 25), Map.of())))
                .isTrue();
        assertThat(
                        ExpectedState.alreadyInPlace(
                                action(e),
                                25,
                                new LiveState(Map.of("stable", 95, "canary", 5), Map.of())))
                .isFalse();
    }

    @Test
    void aFinalizeAfterAFullStepOrARollbackIsAlwaysApplied() throws PlatformException {
        LiveState full =
                new LiveState(
                        Map.of("stable", 0, "canary", 100),
                        Map.of("canary", "registry/checkout:2.5.0"));
        Execution promote =
                new Execution(
                        1,
                        UUID.randomUUID(),
                        1,
                        Execution.phaseStep(4),
                        PhaseType.FINALIZE,
                        4,
                        new KubernetesTarget("shop", "checkout", null, null),
                        Map.of("action", "promote-canary", "artifact", "registry/checkout:2.5.0"),
                        1);

        // The canary already takes all traffic, but promoting still has to move the image to the
        // stable.
        assertThat(ExpectedState.canaryWeight(action(promote))).isEqualTo(100);
        assertThat(ExpectedState.alreadyInPlace(action(promote), 100, full)).isFalse();
    }
}
