package dev.stride.incident.figures;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The runbook's KPIs for one application (or all), one environment and one time range, from the deployments that
 * finished in the range and the incidents opened in it. A figure with nothing to compute it from is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryFigures(
        String application,
        String environment,
        Instant from,
        Instant to,
        Counts deployments,
        Double deploymentFrequencyPerDay,
        Double leadTimeForChangesSeconds,
        Double leadTimeForChangesMedianSeconds,
        Double changeFailureRate,
        Double meanTimeToRecoverySeconds,
        Double meanTimeToDeploySeconds,
        Double successRate,
        int incidents,
        int incidentsResolved) {

    /** How the range's deployments ended. */
    public record Counts(
            int finished, int succeeded, int rolledBack, int failed, int rejected, int aborted) {}

    /** A deployment that finished: how, and the times the figures need; whether it caused an incident. */
    public record Finished(
            UUID id,
            String outcome,
            Instant commitTime,
            Instant requestedAt,
            Instant finishedAt,
            boolean causedIncident) {}

    /** An incident's life: opened, and resolved (null while it is not). */
    public record Span(Instant openedAt, Instant resolvedAt) {}

    /**
     * Deployment frequency: successful deployments per day of the range. Lead time for changes: commit time to
     * success (mean and median). Change failure rate: of the deployments that reached the environment (SUCCEEDED,
     * ROLLED_BACK, FAILED), those rolled back, failed, or that caused an incident. MTTR: incident opened to resolved,
     * over the range's resolved incidents. Mean time to deploy: request to success. Success rate: successes over
     * every finished deployment (REJECTED and ABORTED included).
     */
    public static DeliveryFigures compute(
            String application,
            String environment,
            Instant from,
            Instant to,
            List<Finished> deployments,
            List<Span> incidents) {
        int succeeded = count(deployments, "SUCCEEDED");
        int rolledBack = count(deployments, "ROLLED_BACK");
        int failed = count(deployments, "FAILED");
        Counts counts =
                new Counts(
                        deployments.size(),
                        succeeded,
                        rolledBack,
                        failed,
                        count(deployments, "REJECTED"),
                        count(deployments, "ABORTED"));
        double days = Duration.between(from, to).toMillis() / 86_400_000.0;
        List<Finished> successes =
                deployments.stream().filter(d -> "SUCCEEDED".equals(d.outcome())).toList();
        List<Double> leadTimes =
                successes.stream()
                        .filter(d -> d.commitTime() != null)
                        .map(d -> seconds(d.commitTime(), d.finishedAt()))
                        .sorted()
                        .toList();
        List<Double> deployTimes =
                successes.stream()
                        .filter(d -> d.requestedAt() != null)
                        .map(d -> seconds(d.requestedAt(), d.finishedAt()))
                        .toList();
        int changes = succeeded + rolledBack + failed;
        long failedChanges =
                rolledBack + failed + successes.stream().filter(Finished::causedIncident).count();
        List<Double> recoveries =
                incidents.stream()
                        .filter(i -> i.resolvedAt() != null)
                        .map(i -> seconds(i.openedAt(), i.resolvedAt()))
                        .toList();
        return new DeliveryFigures(
                application,
                environment,
                from,
                to,
                counts,
                days <= 0 ? null : succeeded / days,
                mean(leadTimes),
                median(leadTimes),
                changes == 0 ? null : (double) failedChanges / changes,
                mean(recoveries),
                mean(deployTimes),
                deployments.isEmpty() ? null : (double) succeeded / deployments.size(),
                incidents.size(),
                recoveries.size());
    }

    private static int count(List<Finished> deployments, String outcome) {
        return (int) deployments.stream().filter(d -> outcome.equals(d.outcome())).count();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static Double mean(List<Double> values) {
        return values.isEmpty()
                ? null
                : values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static Double median(List<Double> sorted) {
        if (sorted.isEmpty()) {
            return null;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
