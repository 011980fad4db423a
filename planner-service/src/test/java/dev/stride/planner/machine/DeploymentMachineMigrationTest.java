package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.actions;
import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static dev.stride.planner.machine.MachineHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.DeploymentFinished;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackRequested;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A deployment with a database block: its MIGRATION phases, and what a failed one or a rollback after one does. */
class DeploymentMachineMigrationTest {

    @Test
    void theExpandMigrationRunsBeforeTheFirstTrafficPhaseAndTheContractOneLast() {
        MachineHarness h = MachineHarness.of("canary-database", 0);
        assertThat(h.plan)
                .extracting(p -> p.type())
                .startsWith(PhaseType.CHECKS, PhaseType.MIGRATION, PhaseType.TRAFFIC)
                .endsWith(PhaseType.FINALIZE, PhaseType.MIGRATION);

        h.runTo(1);
        h.tick(Duration.ofSeconds(1));
        h.on(h.started(1));
        assertThat(h.phase(1).deadline())
                .as("a migration may take its timeout, then the margin")
                .isEqualTo(h.now.plus(Duration.ofMinutes(20)).plus(MachineHarness.MARGIN));
        h.runTo(6);
        h.on(h.started(6));
        var finalized = h.on(h.passed(6));
        PhaseRequested contract = h.assertRequested(finalized, 7, false);
        assertThat(contract.phaseType()).isEqualTo(PhaseType.MIGRATION);
        assertThat(contract.parameters())
                .containsEntry("stage", "contract")
                .containsEntry("target", "3")
                .containsEntry("application", "checkout")
                .containsEntry("environment", "staging");
        h.on(h.started(7));
        var last = h.on(h.passed(7));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(eventTypes(last)).containsExactly(DeploymentFinished.class);
    }

    @Test
    void aFailedExpandMigrationFailsTheDeploymentWithoutARollbackAndNamesTheBackup() {
        MachineHarness h = MachineHarness.of("canary-database", 0).runTo(1);
        h.on(h.started(1));

        var step =
                h.on(
                        h.failed(
                                1,
                                "flyway migrate failed, the failing script rolled back; the backup"
                                        + " /var/backups/x.dump (sha256 ab) is kept"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.FAILED);
        assertThat(eventTypes(step))
                .containsExactly(DeploymentFinished.class)
                .doesNotContain(RollbackRequested.class);
        assertThat(only(step, DeploymentFinished.class).reason())
                .startsWith("the database migration failed before any traffic moved: ")
                .contains("/var/backups/x.dump");
        assertThat(h.phaseStatuses().subList(2, h.plan.size())).containsOnly(PhaseStatus.SKIPPED);
        assertThat(actions(step)).containsExactly("phase-failed", "failed");
    }

    @Test
    void aFailedContractMigrationAfterFinalizeFailsTheDeploymentWithoutARollback() {
        MachineHarness h = MachineHarness.of("canary-database", 0).runTo(7);
        h.on(h.started(7));

        var step = h.on(h.failed(7, "flyway migrate failed"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.FAILED);
        assertThat(eventTypes(step)).containsExactly(DeploymentFinished.class);
        assertThat(only(step, DeploymentFinished.class).reason())
                .startsWith("the contract migration failed after the release was finalized")
                .contains("runs on the expanded schema");
    }

    @Test
    void aRollbackAfterTheExpandMigrationKeepsTheSchemaAndTheTimelineSaysWhy() {
        MachineHarness h = MachineHarness.of("canary-database", 0).runTo(2);

        var step = h.rollBack("alice", "looks wrong", true);

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        assertThat(actions(step)).containsExactly("rolling-back", "database-kept");
        assertThat(step.timeline().get(1).detail())
                .contains("phase 1 (database backup and expand migration, to version 2)")
                .contains("the old version runs on this schema; nothing is restored");
        assertThat(eventTypes(step)).containsExactly(RollbackRequested.class);
    }
}
