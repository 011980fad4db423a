package dev.stride.planner.machine;

import static dev.stride.planner.machine.MachineHarness.actions;
import static dev.stride.planner.machine.MachineHarness.eventTypes;
import static dev.stride.planner.machine.MachineHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code database.restore_on_rollback}: once stable is back, the backup the expand MIGRATION phase took is restored
 * (a MIGRATION phase numbered after the plan's and its verification's), after an approval where deployments need
 * one; an abort declines it.
 */
class DeploymentMachineRestoreTest {

    private static void restoring(ObjectNode doc) {
        ObjectNode target = (ObjectNode) doc.get("target");
        target.put("ingress", "checkout");
        target.put("maintenanceMode", true);
        ObjectNode database = (ObjectNode) doc.get("database");
        database.put("restore_on_rollback", true);
        database.put("integrity_check", "SELECT count(*) > 0 FROM orders");
    }

    private static MachineHarness rolledBackInStaging() {
        MachineHarness h =
                MachineHarness.of("canary-database", DeploymentMachineRestoreTest::restoring, 0);
        h.runTo(2);
        h.on(h.started(2));
        Step rollback = h.on(h.failed(2, "error rate 3%"));
        assertThat(actions(rollback)).contains("rolling-back", "database-restore-planned");
        assertThat(eventTypes(rollback)).contains(RollbackRequested.class);
        return h;
    }

    private PhaseCompleted restoreReport(
            MachineHarness h, PhaseCompleted.Outcome outcome, String summary) {
        return new PhaseCompleted(
                MachineHarness.ID, 1, h.plan.size() + 1, PhaseType.MIGRATION, outcome, summary);
    }

    @Test
    void onceStableIsBackTheBackupIsRestoredAndOnlyThenIsTheRollbackComplete() {
        MachineHarness h = rolledBackInStaging();

        Step back =
                h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        assertThat(h.state.verification()).isEqualTo(RollbackVerification.RESTORING);
        assertThat(h.state.rollbackDeadline())
                .as("the database's timeout, then the margin")
                .isEqualTo(h.now.plus(Duration.ofMinutes(20)).plus(MachineHarness.MARGIN));
        PhaseRequested restore = only(back, PhaseRequested.class);
        assertThat(restore.phase()).isEqualTo(h.plan.size() + 1);
        assertThat(restore.phaseType()).isEqualTo(PhaseType.MIGRATION);
        assertThat(restore.parameters())
                .containsEntry("stage", "restore")
                .containsEntry("restore", true)
                .containsEntry("backupPhase", 1)
                .containsEntry("integrityCheck", "SELECT count(*) > 0 FROM orders")
                .containsEntry("target", "2");
        assertThat(actions(back))
                .containsExactly("rollback-succeeded", "database-restore-requested");

        Step done =
                h.on(
                        restoreReport(
                                h,
                                PhaseCompleted.Outcome.PASSED,
                                "restored the database from backup /var/backups/x.dump"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(actions(done)).containsExactly("database-restored", "rolled-back");
        assertThat(only(done, DeploymentFinished.class).outcome())
                .isEqualTo(DeploymentFinished.Outcome.ROLLED_BACK);
    }

    @Test
    void aFailedRestoreFailsTheRollback() {
        MachineHarness h = rolledBackInStaging();
        h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

        Step failed =
                h.on(restoreReport(h, PhaseCompleted.Outcome.FAILED, "pg_restore exited with 1"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
        assertThat(only(failed, DeploymentFinished.class).reason())
                .startsWith("the database restore failed: pg_restore exited with 1");
    }

    @Test
    void aRestoreThatDoesNotReportByItsDeadlineFailsTheRollback() {
        MachineHarness h = rolledBackInStaging();
        h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));
        h.tick(Duration.ofMinutes(21)).tick(MachineHarness.MARGIN);

        Step late = h.apply(s -> h.machine.rollbackDeadlinePassed(s, Map.of(), h.now));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLBACK_FAILED);
        assertThat(actions(late)).startsWith("database-restore-deadline-passed");
    }

    @Test
    void whereDeploymentsNeedAnApprovalTheRestoreWaitsForOneAndSaysWhatIsLost() {
        MachineHarness h =
                MachineHarness.of("canary-database", DeploymentMachineRestoreTest::restoring, 1);
        h.admit(false);
        h.approve("bob", false);
        h.runTo(2);
        h.on(h.started(2));
        h.on(h.failed(2, "error rate 3%"));

        Step back =
                h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

        assertThat(h.state.verification()).isEqualTo(RollbackVerification.RESTORE_APPROVAL);
        assertThat(h.state.rollbackDeadline()).as("a person decides, no deadline").isNull();
        assertThat(back.events()).isEmpty();
        assertThat(actions(back))
                .containsExactly("rollback-succeeded", "database-restore-awaiting-approval");
        assertThat(back.timeline().get(1).detail())
                .contains("waits for an approval")
                .contains("loses every write since it was taken")
                .contains("to restore, abort to keep the database");
        assertThat(h.state.reason()).as("still the rollback's").contains("error rate 3%");

        Step own = h.approve("ci", false);
        assertThat(own.events()).as("the requester cannot approve").isEmpty();
        assertThat(h.state.verification()).isEqualTo(RollbackVerification.RESTORE_APPROVAL);

        Step approved = h.approve("carol", false);
        assertThat(actions(approved))
                .containsExactly("database-restore-approved", "database-restore-requested");
        assertThat(only(approved, PhaseRequested.class).parameters())
                .containsEntry("restore", true);
        assertThat(h.state.verification()).isEqualTo(RollbackVerification.RESTORING);
    }

    @Test
    void anAbortDeclinesTheRestoreAndTheApplicationLeavesMaintenanceOnTheMigratedDatabase() {
        MachineHarness h =
                MachineHarness.of("canary-database", DeploymentMachineRestoreTest::restoring, 1);
        h.admit(false);
        h.approve("bob", false);
        h.runTo(2);
        h.on(h.started(2));
        h.on(h.failed(2, "error rate 3%"));
        h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

        Step declined = h.abort("carol", "orders written since the backup matter more");

        assertThat(actions(declined))
                .containsExactly("database-restore-declined", "database-maintenance-off-requested");
        assertThat(only(declined, PhaseRequested.class).parameters())
                .containsEntry("stage", "restore")
                .containsEntry("restore", false);

        Step done =
                h.on(
                        restoreReport(
                                h,
                                PhaseCompleted.Outcome.PASSED,
                                "the database restore was declined"));
        assertThat(actions(done))
                .contains("database-maintenance-off")
                .doesNotContain("database-restored");
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ABORTED);
        assertThat(only(done, DeploymentFinished.class).outcome())
                .isEqualTo(DeploymentFinished.Outcome.ABORTED);
    }

    @Test
    void withoutRestoreOnRollbackTheSchemaIsKeptAsBefore() {
        MachineHarness h = MachineHarness.of("canary-database", 0).runTo(2);
        h.rollBack("alice", "looks wrong", true);

        Step back =
                h.on(h.rollbackCompleted(RollbackCompleted.Outcome.SUCCEEDED, "stable at 100%"));

        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLED_BACK);
        assertThat(eventTypes(back)).containsExactly(DeploymentFinished.class);
    }
}
