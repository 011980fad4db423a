package dev.stride.planner.machine;

import dev.stride.events.DeploymentRequested;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the state machine knows about one deployment; loaded from PostgreSQL for each step and saved after
 * it. {@code currentPhase} is -1 before the first phase is requested.
 */
public record DeploymentState(
        UUID id,
        DeploymentRequested request,
        DeploymentStatus status,
        int attempt,
        int currentPhase,
        List<PhaseState> phases,
        List<String> approvals,
        int requiredApprovals,
        String reason,
        Instant createdAt,
        Instant finishedAt,
        boolean aborting,
        Instant rollbackDeadline,
        RollbackVerification verification) {

    public Optional<PhaseState> current() {
        return currentPhase >= 0 && currentPhase < phases.size()
                ? Optional.of(phases.get(currentPhase))
                : Optional.empty();
    }

    DeploymentState withStatus(DeploymentStatus newStatus, String why) {
        return new DeploymentState(
                id,
                request,
                newStatus,
                attempt,
                currentPhase,
                phases,
                approvals,
                requiredApprovals,
                why == null ? reason : why,
                createdAt,
                finishedAt,
                aborting,
                rollbackDeadline,
                verification);
    }

    /** Rolling back (to end ROLLED_BACK, or ABORTED when {@code abort}), reported done by {@code deadline}. */
    DeploymentState rollingBack(String why, boolean abort, Instant deadline) {
        return new DeploymentState(
                id,
                request,
                DeploymentStatus.ROLLING_BACK,
                attempt,
                currentPhase,
                phases,
                approvals,
                requiredApprovals,
                why,
                createdAt,
                finishedAt,
                abort,
                deadline,
                null);
    }

    /** The rollback ends ABORTED (the database restore declined by an abort). */
    DeploymentState aborted() {
        return new DeploymentState(
                id,
                request,
                status,
                attempt,
                currentPhase,
                phases,
                approvals,
                requiredApprovals,
                reason,
                createdAt,
                finishedAt,
                true,
                rollbackDeadline,
                verification);
    }

    /**
     * Stable is restored and its verification is {@code stage}: waiting out the delay until {@code deadline}, or
     * running, to be reported by {@code deadline}.
     */
    DeploymentState verifying(RollbackVerification stage, Instant deadline) {
        return new DeploymentState(
                id,
                request,
                status,
                attempt,
                currentPhase,
                phases,
                approvals,
                requiredApprovals,
                reason,
                createdAt,
                finishedAt,
                aborting,
                deadline,
                stage);
    }

    /** Back to IN_PROGRESS, without the pause's reason. */
    DeploymentState resumed() {
        return new DeploymentState(
                id,
                request,
                DeploymentStatus.IN_PROGRESS,
                attempt,
                currentPhase,
                phases,
                approvals,
                requiredApprovals,
                null,
                createdAt,
                finishedAt,
                aborting,
                rollbackDeadline,
                verification);
    }

    DeploymentState finished(DeploymentStatus finalStatus, String why, Instant at) {
        return new DeploymentState(
                id,
                request,
                finalStatus,
                attempt,
                currentPhase,
                phases,
                approvals,
                requiredApprovals,
                why,
                createdAt,
                at,
                aborting,
                null,
                null);
    }

    DeploymentState withPhase(PhaseState phase) {
        List<PhaseState> copy = new ArrayList<>(phases);
        copy.set(phase.index(), phase);
        return new DeploymentState(
                id,
                request,
                status,
                attempt,
                currentPhase,
                List.copyOf(copy),
                approvals,
                requiredApprovals,
                reason,
                createdAt,
                finishedAt,
                aborting,
                rollbackDeadline,
                verification);
    }

    DeploymentState atPhase(int index) {
        return new DeploymentState(
                id,
                request,
                status,
                attempt,
                index,
                phases,
                approvals,
                requiredApprovals,
                reason,
                createdAt,
                finishedAt,
                aborting,
                rollbackDeadline,
                verification);
    }

    DeploymentState withApproval(String approver) {
        List<String> copy = new ArrayList<>(approvals);
        copy.add(approver);
        return new DeploymentState(
                id,
                request,
                status,
                attempt,
                currentPhase,
                phases,
                List.copyOf(copy),
                requiredApprovals,
                reason,
                createdAt,
                finishedAt,
                aborting,
                rollbackDeadline,
                verification);
    }
}
