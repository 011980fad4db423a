package dev.stride.planner.machine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.events.DeploymentFinished;
import dev.stride.events.DeploymentRequested;
import dev.stride.events.EventCodec;
import dev.stride.events.PhaseCompleted;
import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseStarted;
import dev.stride.events.RollbackCompleted;
import dev.stride.events.RollbackRequested;
import dev.stride.events.StrideEvent;
import dev.stride.events.ThresholdBreached;
import dev.stride.planner.Requests;
import dev.stride.planner.plan.PhaseCompiler;
import dev.stride.planner.plan.PlannedPhase;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Drives one deployment through {@link DeploymentMachine} event by event, as Flagger's scheduler tests do: a real
 * request from the test resources, its compiled plan, a clock that only moves when a test moves it, and each
 * step's state fed into the next. {@link #before} is the state a step started from, {@link #last} its result.
 */
final class MachineHarness {

    static final Duration MARGIN = Duration.ofMinutes(10);
    static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
    static final UUID ID = UUID.fromString("0b6c1f0e-5d0a-4f59-9b1e-7a3c2d4e5f60");
    static final String REQUESTER = "ci";
    static final String EXECUTOR = "executor";
    static final String VERIFIER = "verifier";
    static final String INCIDENTS = "incident-service";

    final DeploymentMachine machine = new DeploymentMachine(MARGIN);
    final DeploymentRequested request;
    final List<PlannedPhase> plan;
    Instant now = T0;
    DeploymentState state;
    DeploymentState before;
    Step last;

    /** Every event and timeline line of every step so far, in order. */
    final List<StrideEvent> emitted = new ArrayList<>();

    final List<TimelineEntry> timeline = new ArrayList<>();

    private MachineHarness(String requestName, int requiredApprovals) {
        this(request(requestName), requiredApprovals);
    }

    private MachineHarness(DeploymentRequested request, int requiredApprovals) {
        this.request = request;
        this.plan = new PhaseCompiler().compile(request, null).phases();
        this.state =
                new DeploymentState(
                        ID,
                        request,
                        DeploymentStatus.REQUESTED,
                        1,
                        -1,
                        plan.stream().map(PhaseState::pending).toList(),
                        List.of(),
                        requiredApprovals,
                        null,
                        T0,
                        null,
                        false,
                        null,
                        null);
    }

    static MachineHarness canary() {
        return new MachineHarness("canary", 0);
    }

    /** A canary at phase 2 (ramp-up, 25%, 15m hold), started three minutes ago. */
    static MachineHarness canaryRampingUp() {
        MachineHarness h = MachineHarness.canary().runTo(2);
        h.tick(Duration.ofSeconds(10));
        h.on(h.started(2));
        h.tick(Duration.ofMinutes(3));
        return h;
    }

    /** {@link #canaryRampingUp()}, paused by alice. */
    static MachineHarness canaryPaused() {
        MachineHarness h = canaryRampingUp();
        h.pause("alice", "looking at a dashboard");
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.PAUSED);
        return h;
    }

    /** {@link #canaryRampingUp()} whose phase 2 failed. */
    static MachineHarness canaryRollingBack() {
        MachineHarness h = canaryRampingUp();
        h.on(h.failed(2, "error rate 3%"));
        assertThat(h.state.status()).isEqualTo(DeploymentStatus.ROLLING_BACK);
        return h;
    }

    /** A canary whose rollback verifies stable {@code delay} after the platform is restored. */
    static MachineHarness canaryVerifyingAfter(String delay) {
        ObjectNode doc = Requests.json("canary");
        doc.put("deploymentId", ID.toString());
        ((ObjectNode) doc.at("/rollback/rollback_strategy")).put("verification_delay", delay);
        try {
            return new MachineHarness(
                    EventCodec.mapper().treeToValue(doc, DeploymentRequested.class), 0);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request {@code requestName}, changed by {@code change} before it is read. */
    static MachineHarness of(
            String requestName,
            java.util.function.Consumer<ObjectNode> change,
            int requiredApprovals) {
        ObjectNode doc = Requests.json(requestName);
        doc.put("deploymentId", ID.toString());
        change.accept(doc);
        try {
            return new MachineHarness(
                    EventCodec.mapper().treeToValue(doc, DeploymentRequested.class),
                    requiredApprovals);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MachineHarness of(String requestName, int requiredApprovals) {
        return new MachineHarness(requestName, requiredApprovals);
    }

    static DeploymentRequested request(String name) {
        ObjectNode doc = Requests.json(name);
        doc.put("deploymentId", ID.toString());
        try {
            return EventCodec.mapper().treeToValue(doc, DeploymentRequested.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the clock
    // ---------------------------------------------------------------------------------------------

    MachineHarness tick(Duration by) {
        now = now.plus(by);
        return this;
    }

    MachineHarness at(Instant instant) {
        now = instant;
        return this;
    }

    // ---- feeding the machine
    // -----------------------------------------------------------------------------------

    Step apply(Function<DeploymentState, Step> input) {
        before = state;
        last = input.apply(state);
        state = last.state();
        emitted.addAll(last.events());
        timeline.addAll(last.timeline());
        return last;
    }

    Step admit(boolean anotherActive) {
        return apply(s -> machine.admit(s, anotherActive, now));
    }

    Step reject(String why) {
        return apply(s -> machine.reject(s, why, now));
    }

    Step approve(String approver, boolean anotherActive) {
        return apply(s -> machine.approve(s, approver, "looks good", anotherActive, now));
    }

    Step dequeue() {
        return apply(s -> machine.dequeue(s, now));
    }

    Step on(PhaseStarted e) {
        return apply(s -> machine.phaseStarted(s, e, EXECUTOR, now));
    }

    Step on(PhaseCompleted e) {
        return apply(s -> machine.phaseCompleted(s, e, VERIFIER, now));
    }

    Step on(ThresholdBreached e) {
        return apply(s -> machine.thresholdBreached(s, e, VERIFIER, now));
    }

    Step on(RollbackCompleted e) {
        return apply(s -> machine.rollbackCompleted(s, e, EXECUTOR, now));
    }

    Step on(RollbackRequested e) {
        return apply(s -> machine.rollbackRequested(s, e, INCIDENTS, now));
    }

    Step deadlinePassed(int phase) {
        return apply(s -> machine.deadlinePassed(s, phase, now));
    }

    Step pause(String actor, String why) {
        return apply(s -> machine.pause(s, actor, why, now));
    }

    Step resume(String actor) {
        return apply(s -> machine.resume(s, actor, now));
    }

    Step abort(String actor, String why) {
        return apply(s -> machine.abort(s, actor, why, now));
    }

    Step promote(String actor) {
        return apply(s -> machine.promote(s, actor, now));
    }

    Step rollBack(String actor, String why, boolean publish) {
        return apply(s -> machine.rollBack(s, actor, why, publish, now));
    }

    /** Admits the deployment (no approvals, nothing ahead) and passes phases 0 to {@code phase - 1}. */
    MachineHarness runTo(int phase) {
        if (state.status() == DeploymentStatus.REQUESTED) {
            admit(false);
        }
        while (state.currentPhase() < phase) {
            int current = state.currentPhase();
            tick(Duration.ofSeconds(5));
            on(started(current));
            tick(Duration.ofMinutes(1));
            on(passed(current));
        }
        assertThat(state.status()).isEqualTo(DeploymentStatus.IN_PROGRESS);
        assertThat(state.currentPhase()).isEqualTo(phase);
        return this;
    }

    // ---- events as the executor and the verifier send them
    // ------------------------------------------------------

    PhaseStarted started(int phase) {
        return startedFor(1, phase);
    }

    PhaseStarted startedFor(int attempt, int phase) {
        return new PhaseStarted(
                ID, attempt, phase, plan.get(phase).type(), Map.of("canary", 5), now);
    }

    PhaseCompleted passed(int phase) {
        return completedFor(1, phase, PhaseCompleted.Outcome.PASSED, "all criteria met");
    }

    PhaseCompleted failed(int phase, String summary) {
        return completedFor(1, phase, PhaseCompleted.Outcome.FAILED, summary);
    }

    PhaseCompleted completedFor(
            int attempt, int phase, PhaseCompleted.Outcome outcome, String summary) {
        return new PhaseCompleted(ID, attempt, phase, plan.get(phase).type(), outcome, summary);
    }

    ThresholdBreached breach(
            int phase, ThresholdBreached.Kind kind, ThresholdBreached.Action action) {
        return breachFor(1, phase, kind, action);
    }

    ThresholdBreached breachFor(
            int attempt, int phase, ThresholdBreached.Kind kind, ThresholdBreached.Action action) {
        boolean noValue =
                kind == ThresholdBreached.Kind.NO_DATA
                        || kind == ThresholdBreached.Kind.PROVIDER_ERROR;
        return new ThresholdBreached(
                ID, attempt, phase, "error_rate", noValue ? null : 7.5, "5%", "5m", kind, action);
    }

    RollbackCompleted rollbackCompleted(RollbackCompleted.Outcome outcome, String detail) {
        return rollbackCompletedFor(1, outcome, detail);
    }

    RollbackCompleted rollbackCompletedFor(
            int attempt, RollbackCompleted.Outcome outcome, String detail) {
        return new RollbackCompleted(ID, attempt, outcome, detail);
    }

    RollbackRequested rollbackRequestedFor(int attempt, String reason) {
        return new RollbackRequested(ID, attempt, reason, INCIDENTS);
    }

    // ---- reading the state and the step
    // ------------------------------------------------------------------------

    PhaseState phase(int index) {
        return state.phases().get(index);
    }

    List<PhaseStatus> phaseStatuses() {
        return state.phases().stream().map(PhaseState::status).toList();
    }

    static List<Class<?>> eventTypes(Step step) {
        return step.events().stream().<Class<?>>map(Object::getClass).toList();
    }

    static List<String> actions(Step step) {
        return step.timeline().stream().map(TimelineEntry::action).toList();
    }

    static <T extends StrideEvent> T only(Step step, Class<T> type) {
        List<T> found = step.events().stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("%s events in %s", type.getSimpleName(), step.events()).hasSize(1);
        return found.get(0);
    }

    // ---- assertions shared by the tests
    // ------------------------------------------------------------------------

    /** The last step did nothing: no events, no timeline, no refusal, the very same state. */
    void assertIgnored() {
        assertThat(last.events()).as("events").isEmpty();
        assertThat(last.timeline()).as("timeline").isEmpty();
        assertThat(last.isRefused()).as("refused: %s", last.refusal()).isFalse();
        assertThat(last.changedAnything()).isFalse();
        assertThat(state).isEqualTo(before);
    }

    /** The last step was refused for the state (not forbidden for the actor) and left it untouched. */
    void assertRefused(String fragment) {
        assertThat(last.isRefused()).as("refused").isTrue();
        assertThat(last.forbidden()).as("forbidden").isFalse();
        assertThat(last.refusal()).contains(fragment);
        assertThat(last.events()).isEmpty();
        assertThat(last.timeline()).isEmpty();
        assertThat(state).isEqualTo(before);
    }

    /** The step asked for {@code phase} of attempt 1 with the plan's parameters and the release, and for nothing else. */
    PhaseRequested assertRequested(Step step, int phase, boolean promoted) {
        assertThat(eventTypes(step)).containsExactly(PhaseRequested.class);
        PhaseRequested requested = only(step, PhaseRequested.class);
        assertThat(requested.deploymentId()).isEqualTo(ID);
        assertThat(requested.attempt()).isEqualTo(1);
        assertThat(requested.phase()).isEqualTo(phase);
        assertThat(requested.phaseType()).isEqualTo(plan.get(phase).type());
        assertThat(requested.target()).isEqualTo(request.target());
        Map<String, Object> expected = new LinkedHashMap<>(plan.get(phase).parameters());
        expected.putIfAbsent("application", request.application());
        expected.putIfAbsent("environment", request.environment().wireName());
        expected.putIfAbsent("version", request.version());
        expected.putIfAbsent("strategy", request.deployment().strategy());
        if (promoted) {
            expected.put("promoted", true);
            assertThat(requested.parameters()).containsEntry("promoted", true);
        } else {
            assertThat(requested.parameters()).doesNotContainKey("promoted");
        }
        assertThat(requested.parameters()).isEqualTo(expected);
        assertThat(state.currentPhase()).isEqualTo(phase);
        assertThat(phase(phase).status()).isEqualTo(PhaseStatus.REQUESTED);
        assertThat(phase(phase).deadline()).isEqualTo(now.plus(MARGIN));
        return requested;
    }

    RollbackRequested assertRollbackRequested(Step step, String actor, String reasonFragment) {
        RollbackRequested rollback = only(step, RollbackRequested.class);
        assertThat(rollback.deploymentId()).isEqualTo(ID);
        assertThat(rollback.attempt()).isEqualTo(1);
        assertThat(rollback.requestedBy()).isEqualTo(actor);
        assertThat(rollback.reason()).contains(reasonFragment);
        return rollback;
    }

    DeploymentFinished assertFinished(
            Step step, DeploymentFinished.Outcome outcome, String reasonFragment) {
        DeploymentFinished finished = only(step, DeploymentFinished.class);
        assertThat(finished.deploymentId()).isEqualTo(ID);
        assertThat(finished.application()).isEqualTo(request.application());
        assertThat(finished.environment()).isEqualTo(request.environment());
        assertThat(finished.version()).isEqualTo(request.version());
        assertThat(finished.outcome()).isEqualTo(outcome);
        assertThat(finished.reason()).contains(reasonFragment);
        assertThat(finished.commitTime()).isEqualTo(request.commitTime());
        assertThat(finished.requestedAt()).isEqualTo(T0);
        assertThat(finished.finishedAt()).isEqualTo(now);
        assertThat(state.finishedAt()).isEqualTo(now);
        assertThat(state.reason()).isEqualTo(finished.reason());
        return finished;
    }

    /** Every timeline line of the step is stamped with the clock's present time. */
    void assertStampedNow(Step step) {
        assertThat(step.timeline()).allSatisfy(entry -> assertThat(entry.at()).isEqualTo(now));
    }
}
