package dev.stride.incident.rules;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * {@code stride.incident.classification.rules[n].*}: when present, these rules replace the runbook's defaults, in
 * order. Each names the event it listens to ({@code on}) and its conditions as lists in the events' wire spelling.
 */
@ConfigMapping(prefix = "stride.incident.classification")
public interface ClassificationConfig {

    Optional<List<Rule>> rules();

    interface Rule {
        String name();

        /** threshold-breached, rollback-requested, rollback-completed or deployment-finished. */
        String on();

        Optional<List<String>> environments();

        Optional<List<String>> metrics();

        /** trigger, criteria, no_data, provider_error. */
        Optional<List<String>> kinds();

        /** automatic_rollback, pause, alert. */
        Optional<List<String>> actions();

        /** RollbackCompleted or DeploymentFinished outcomes (SUCCEEDED, FAILED, ROLLED_BACK ...). */
        Optional<List<String>> outcomes();

        /** Who asked for a rollback (rollback-requested): automatic (Stride's own trigger), manual (anyone else). */
        Optional<List<String>> requesters();

        /** P0 to P3. */
        String severity();

        Optional<String> cause();

        Optional<String> title();
    }
}
