package dev.stride.planner.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.spec.DatabaseMigration;
import dev.stride.events.spec.DeploymentChecks;
import dev.stride.events.spec.DeploymentStrategy;
import dev.stride.events.spec.RollbackPolicy;
import dev.stride.events.spec.Target;
import dev.stride.planner.machine.DeploymentState;
import dev.stride.planner.machine.PhaseState;
import dev.stride.planner.machine.TimelineEntry;
import dev.stride.planner.persistence.DeploymentReads;
import dev.stride.planner.persistence.StoredDeployment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A deployment as the API shows it. {@code deployment} is the parsed strategy block; {@code phases} the plan with
 * each phase's progress; {@code timeline} every transition and manual action. The list leaves phases, approvals
 * and timeline out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentView(
        UUID id,
        String application,
        String environment,
        String version,
        String artifact,
        String status,
        String reason,
        String strategy,
        String requestedBy,
        String commitSha,
        Instant commitTime,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt,
        int attempt,
        Integer currentPhase,
        Integer queuePosition,
        int requiredApprovals,
        List<ApprovalView> approvals,
        List<PhaseView> phases,
        List<TimelineEntry> timeline,
        Target target,
        DeploymentStrategy deployment,
        RollbackPolicy rollback,
        DeploymentChecks checks,
        DatabaseMigration database) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PhaseView(
            int index,
            String type,
            String name,
            String status,
            Integer trafficPercentage,
            String hold,
            boolean analysed,
            Instant startedAt,
            Instant completedAt,
            String verdict,
            Instant deadline,
            Map<String, Object> parameters) {

        static PhaseView of(PhaseState p) {
            return new PhaseView(
                    p.index(),
                    p.plan().type().name(),
                    p.plan().name(),
                    p.status().name(),
                    p.plan().trafficPercentage(),
                    p.plan().hold() == null ? null : p.plan().hold().toString(),
                    p.plan().analysed(),
                    p.startedAt(),
                    p.completedAt(),
                    p.verdict(),
                    p.deadline(),
                    p.plan().parameters());
        }
    }

    public record ApprovalView(String approver, String comment, Instant approvedAt) {}

    /** The whole deployment, for GET by id and the answers to manual controls. */
    public static DeploymentView of(
            StoredDeployment stored,
            Integer queuePosition,
            List<DeploymentReads.Approval> approvals,
            List<TimelineEntry> timeline) {
        return build(
                stored,
                queuePosition,
                approvals.stream()
                        .map(a -> new ApprovalView(a.approver(), a.comment(), a.approvedAt()))
                        .toList(),
                stored.state().phases().stream().map(PhaseView::of).toList(),
                timeline);
    }

    /** A list item: state and request, without phases, approvals and timeline. */
    public static DeploymentView summary(StoredDeployment stored) {
        return build(stored, null, null, null, null);
    }

    private static DeploymentView build(
            StoredDeployment stored,
            Integer queuePosition,
            List<ApprovalView> approvals,
            List<PhaseView> phases,
            List<TimelineEntry> timeline) {
        DeploymentState d = stored.state();
        DeploymentRequested r = d.request();
        return new DeploymentView(
                d.id(),
                r.application(),
                r.environment().wireName(),
                r.version(),
                r.artifact(),
                d.status().name(),
                d.reason(),
                r.deployment().strategy(),
                r.requestedBy(),
                r.commitSha(),
                r.commitTime(),
                d.createdAt(),
                stored.updatedAt(),
                d.finishedAt(),
                d.attempt(),
                d.currentPhase() < 0 ? null : d.currentPhase(),
                queuePosition,
                d.requiredApprovals(),
                approvals,
                phases,
                timeline,
                r.target(),
                r.deployment(),
                r.rollback(),
                r.checks(),
                r.database());
    }
}
