package dev.stride.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One demo deployment, run through Stride's public REST API as CI would: posts a canary of {@code version} to
 * production behind the demo's HAProxy, prints what a person would watch (phase, HAProxy weights, the new version's
 * error rate in Prometheus, state) every second, and at the end checks what the scenario promises. Exit status 0
 * only when every check holds, so the same run is the end-to-end test.
 *
 * <p>With replicas, {@code --planner} and {@code --incident} list every replica's URL: a replica that does not
 * answer (killed) is skipped for the next, as a load balancer would. {@code --midway-command} runs once (bash)
 * when the phase named by {@code --midway-phase} is seen RUNNING: the end-to-end test kills replicas there. With
 * {@code --kafka}, the deployment's events on Kafka are counted: each thing the planner, the executor and the
 * incident service decide is one event, whichever replica decided it.
 */
final class Scenario {

    static final Set<String> OPTIONS =
            Set.of(
                    "scenario",
                    "version",
                    "planner",
                    "incident",
                    "notifier",
                    "receiver",
                    "prometheus",
                    "haproxy-socket",
                    "token-file",
                    "health-url",
                    "timeout",
                    "kafka",
                    "midway-phase",
                    "midway-command",
                    "app-database",
                    "app-database-user",
                    "app-database-password-file",
                    "migrations",
                    "backups");

    private static final Set<String> FINAL =
            Set.of("SUCCEEDED", "ROLLED_BACK", "ROLLBACK_FAILED", "FAILED", "REJECTED", "ABORTED");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Replicas planner;
    private final Replicas incident;
    private final Replicas notifier;
    private final String kafka;
    private final String midwayPhase;
    private final String midwayCommand;
    private boolean midwayDone;
    private final String receiver;
    private final String prometheus;
    private final Path socket;
    private final String token;
    private final String version;
    private final String healthUrl;
    private final boolean failing;
    private final Duration timeout;
    // The healthy canary (v2) ships an expand migration of the demo app's database: a backup, then
    // Flyway.
    private final String appDatabase;
    private final String appDatabaseUser;
    private final Path appDatabasePasswordFile;
    private final Path migrations;
    private final Path backups;
    private boolean migrationShown;
    private final List<String> problems = new ArrayList<>();

    private Scenario(Options options) throws IOException {
        String scenario = options.text("scenario", "healthy");
        if (!scenario.equals("healthy") && !scenario.equals("failing")) {
            throw new IllegalArgumentException(
                    "--scenario must be healthy or failing, got " + scenario);
        }
        failing = scenario.equals("failing");
        version = options.text("version", failing ? "v3" : "v2");
        planner = new Replicas("planner", options.text("planner", "http://127.0.0.1:8081"));
        incident =
                new Replicas("incident service", options.text("incident", "http://127.0.0.1:8085"));
        notifier = new Replicas("notifier", options.text("notifier", "http://127.0.0.1:8084"));
        kafka = options.text("kafka", null);
        midwayPhase = options.text("midway-phase", null);
        midwayCommand = options.text("midway-command", null);
        if ((midwayPhase == null) != (midwayCommand == null)) {
            throw new IllegalArgumentException("--midway-phase and --midway-command go together");
        }
        receiver = options.text("receiver", "http://127.0.0.1:18099");
        prometheus = options.text("prometheus", "http://127.0.0.1:19090");
        socket = Path.of(options.text("haproxy-socket", ".stride/demo/haproxy.sock"));
        healthUrl = options.text("health-url", "http://127.0.0.1:18082/health");
        token = Files.readString(Path.of(options.text("token-file", ".stride/demo/token"))).strip();
        timeout = Duration.ofSeconds(options.integer("timeout", 240));
        appDatabase = options.text("app-database", null);
        appDatabaseUser = options.text("app-database-user", "stride_demo_app");
        appDatabasePasswordFile =
                Path.of(options.text("app-database-password-file", ".stride/demo/app-db-password"));
        migrations = Path.of(options.text("migrations", "deploy/demo/migrations"));
        backups = Path.of(options.text("backups", ".stride/demo/backups"));
    }

    private boolean migrates() {
        return !failing && appDatabase != null;
    }

    static int run(Options options) throws Exception {
        return new Scenario(options).play();
    }

    private int play() throws Exception {
        Instant began = Instant.now();
        int receivedBefore = received().size();
        String title =
                failing
                        ? "canary " + version + " with 10% errors: expect an automatic rollback"
                        : "canary " + version + ", healthy: expect 5% -> 25% -> 100%";
        System.out.printf("%n=== %s ===%n", title);
        if (failing) {
            besideABlackHole();
        }
        // The key makes a retry on another planner replica (the first died with the request) the
        // same deployment.
        JsonNode created =
                call(
                        planner,
                        "POST",
                        "/api/v1/deployments",
                        request(),
                        "application/yaml",
                        202,
                        "demo-" + java.util.UUID.randomUUID());
        String id = created.path("id").asText();
        System.out.printf("posted deployment %s (%s)%n", id, created.path("status").asText());

        String last = "";
        Instant breachSeen = null;
        Instant restoredSeen = null;
        JsonNode view;
        while (true) {
            view = call(planner, "GET", "/api/v1/deployments/" + id, null, null, 200, null);
            String status = view.path("status").asText();
            if (midwayCommand != null && !midwayDone && running(view, midwayPhase)) {
                midway(began);
            }
            int[] weights = weights();
            Double errors = errorRate();
            if (failing && breachSeen == null && errors != null && errors > 0.05) {
                breachSeen = Instant.now();
            }
            if (failing
                    && breachSeen != null
                    && restoredSeen == null
                    && weights[1] == 0
                    && weights[0] > 0) {
                restoredSeen = Instant.now();
            }
            String line =
                    String.format(
                            Locale.ROOT,
                            "%-12s %-26s haproxy stable=%3d canary=%3d  %s error rate %s",
                            status,
                            phase(view),
                            weights[0],
                            weights[1],
                            version,
                            errors == null
                                    ? "(no data yet)"
                                    : String.format(Locale.ROOT, "%.1f%%", errors * 100));
            if (!line.equals(last)) {
                System.out.printf("%6.1fs  %s%n", seconds(began, Instant.now()), line);
                last = line;
            }
            if (migrates() && !migrationShown) {
                for (JsonNode passed : timeline(view, "phase-passed")) {
                    if (passed.path("detail").asText().contains("MIGRATION")) {
                        migrationShown = true;
                        System.out.printf(
                                "%6.1fs  database migrated before the canary: %s%n",
                                seconds(began, Instant.now()), passed.path("detail").asText());
                    }
                }
            }
            if (FINAL.contains(status)) {
                break;
            }
            if (Duration.between(began, Instant.now()).compareTo(timeout) > 0) {
                problems.add(
                        "the deployment did not finish within "
                                + timeout.toSeconds()
                                + " s ("
                                + status
                                + ")");
                break;
            }
            Thread.sleep(1000);
        }
        if (midwayCommand != null && !midwayDone) {
            problems.add(
                    "phase "
                            + midwayPhase
                            + " was never seen RUNNING, so the midway command did not run");
        }
        if (FINAL.contains(view.path("status").asText())) {
            awaitNotifications(id, receivedBefore);
        }
        check(view, id, began, breachSeen, restoredSeen, receivedBefore);
        checkOnce(id);
        if (problems.isEmpty()) {
            System.out.printf("scenario passed in %.0f s%n", seconds(began, Instant.now()));
            return 0;
        }
        problems.forEach(p -> System.out.println("FAILED: " + p));
        return 1;
    }

    private void check(
            JsonNode view,
            String id,
            Instant began,
            Instant breachSeen,
            Instant restoredSeen,
            int receivedBefore)
            throws Exception {
        String status = view.path("status").asText();
        int[] weights = weights();
        if (!failing) {
            expect(
                    status.equals("SUCCEEDED"),
                    "status SUCCEEDED, got " + status + " (" + view.path("reason") + ")");
            expect(
                    weights[1] == 100 && weights[0] == 0,
                    "HAProxy at canary 100, got stable " + weights[0] + " canary " + weights[1]);
            // All three of the runbook's triggers were measured (the health one by the verifier's
            // own probe of the canary): none may have breached, and none may have lacked data.
            expect(
                    timeline(view, "breach").isEmpty(),
                    "no breach for the healthy canary, the timeline has "
                            + timeline(view, "breach"));
            if (migrates()) {
                checkMigration(view);
            }
            return;
        }
        expect(
                status.equals("ROLLED_BACK"),
                "status ROLLED_BACK, got " + status + " (" + view.path("reason") + ")");
        expect(
                weights[0] == 100 && weights[1] == 0,
                "HAProxy back at stable 100, got stable " + weights[0] + " canary " + weights[1]);
        List<JsonNode> rollbacks = timeline(view, "rolling-back");
        expect(rollbacks.size() == 1, "one rollback, the timeline has " + rollbacks.size());
        // The verifier's PhaseCompleted may reach the planner before its ThresholdBreached, so the
        // deployment's reason, not a timeline breach entry, says which trigger it was.
        String reason = view.path("reason").asText();
        expect(
                reason.contains("error_rate")
                        && !reason.contains("health_check_success_rate")
                        && !reason.contains("response_time"),
                "the rollback comes from the error-rate trigger (the canary's health endpoint stays"
                        + " up), the reason is "
                        + reason);
        expect(
                !timeline(view, "rollback-verified").isEmpty(),
                "stable verified after the rollback, the timeline has "
                        + timeline(view, "rollback-verification-waiting").size()
                        + " waits and "
                        + timeline(view, "rollback-verification-requested").size()
                        + " verifications asked for");
        Instant breach = at(view, "breach");
        Instant requested =
                rollbacks.isEmpty() ? null : Instant.parse(rollbacks.get(0).path("at").asText());
        Instant completed = at(view, "rollback-succeeded");

        JsonNode incidents =
                call(
                        incident,
                        "GET",
                        "/api/v1/incidents?application=demo&environment=production",
                        null,
                        null,
                        200,
                        null);
        List<JsonNode> ours = new ArrayList<>();
        (incidents.isArray() ? incidents : incidents.path("items"))
                .forEach(
                        i -> {
                            if (id.equals(i.path("deploymentId").asText())) {
                                ours.add(i);
                            }
                        });
        expect(ours.size() == 1, "one incident for the deployment, found " + ours.size());
        if (ours.size() == 1) {
            expect(
                    "P1".equals(ours.get(0).path("severity").asText()),
                    "the incident is P1, got " + ours.get(0).path("severity").asText());
            System.out.printf(
                    "incident %s %s %s%n",
                    ours.get(0).path("id").asText(),
                    ours.get(0).path("severity").asText(),
                    ours.get(0).path("status").asText());
        }
        List<JsonNode> news = since(receivedBefore);
        long slack = news.stream().filter(m -> "slack".equals(m.path("kind").asText())).count();
        long statuspage =
                news.stream().filter(m -> "statuspage".equals(m.path("kind").asText())).count();
        expect(slack > 0, "Slack messages at the receiver");
        expect(statuspage > 0, "a Statuspage incident at the receiver");
        System.out.printf(
                "%nreceiver: %d Slack message(s), %d Statuspage call(s), %d other(s)%n",
                slack, statuspage, news.size() - slack - statuspage);

        System.out.println(
                "\ntimings (from the breach visible in Prometheus; the trigger fires after its "
                        + "5 s of measurements in a row over 5%):");
        if (breachSeen != null) {
            System.out.printf("  breach visible in Prometheus   %s%n", breachSeen);
            if (breach != null) {
                System.out.printf(
                        "  verifier's breach -> planner   %+.1f s%n", seconds(breachSeen, breach));
            }
            if (requested != null) {
                System.out.printf(
                        "  rollback requested (planner)   %+.1f s%n",
                        seconds(breachSeen, requested));
            }
            if (completed != null) {
                System.out.printf(
                        "  RollbackCompleted (timeline)   %+.1f s%n",
                        seconds(breachSeen, completed));
            }
            if (restoredSeen != null) {
                System.out.printf(
                        "  HAProxy seen at stable 100     %+.1f s (polled every second)%n",
                        seconds(breachSeen, restoredSeen));
            }
        } else {
            System.out.println("  (Prometheus never showed the error rate above 5% while polled)");
        }
    }

    /**
     * The expand migration ran before any traffic moved: its phase PASSED with the backup (a file in the backup
     * directory, as large as it says) and Flyway at version 2 (baselined at 1, v1's schema), and the canary's first
     * phase started after it.
     */
    private void checkMigration(JsonNode view) throws IOException {
        String detail = "";
        for (JsonNode passed : timeline(view, "phase-passed")) {
            if (passed.path("detail").asText().contains("MIGRATION")) {
                detail = passed.path("detail").asText();
            }
        }
        expect(!detail.isEmpty(), "a MIGRATION phase PASSED, the timeline has none");
        expect(
                detail.contains("versions now [1, 2]"),
                "Flyway at versions [1, 2] after the expand migration: " + detail);
        List<Path> dumps;
        try (var files = Files.list(backups)) {
            dumps = files.filter(f -> f.toString().endsWith(".dump")).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            dumps = List.of();
        }
        expect(dumps.size() == 1, "one backup in " + backups + ", found " + dumps);
        if (dumps.size() == 1) {
            Path dump = dumps.get(0);
            expect(
                    detail.contains("backup " + dump.toAbsolutePath()) && Files.size(dump) > 0,
                    "the timeline names the backup "
                            + dump
                            + " ("
                            + Files.size(dump)
                            + " bytes): "
                            + detail);
            System.out.printf("backup: %s, %d bytes%n", dump, Files.size(dump));
        }
        Instant migrated = null;
        Instant firstTraffic = null;
        for (JsonNode e : view.path("timeline")) {
            String action = e.path("action").asText();
            String text = e.path("detail").asText();
            if (migrated == null && action.equals("phase-passed") && text.contains("MIGRATION")) {
                migrated = Instant.parse(e.path("at").asText());
            }
            if (firstTraffic == null
                    && action.equals("phase-started")
                    && text.contains("TRAFFIC")) {
                firstTraffic = Instant.parse(e.path("at").asText());
            }
        }
        expect(
                migrated != null && firstTraffic != null && !firstTraffic.isBefore(migrated),
                "the canary's traffic started after the migration ("
                        + migrated
                        + ", "
                        + firstTraffic
                        + ")");
    }

    /**
     * Each thing happens once however many replicas there are: no two identical Slack messages (a second notifier
     * replica sending the same delivery), for a failed canary one PagerDuty page, and on Kafka one event per
     * decision: one PhaseRequested per phase, one DeploymentFinished, RollbackCompleted and IncidentOpened, and one
     * RollbackRequested from each publisher (the planner's, and the incident service's for its P1). The same event
     * id twice is a redelivery, which consumers drop; it is counted, not failed.
     */
    private void checkOnce(String id) {
        List<JsonNode> all = received();
        java.util.Map<String, Long> slackBodies = new java.util.LinkedHashMap<>();
        all.stream()
                .filter(m -> "slack".equals(m.path("kind").asText()))
                .forEach(m -> slackBodies.merge(m.path("body").toString(), 1L, Long::sum));
        List<String> repeated =
                slackBodies.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .map(e -> e.getValue() + "x " + slackText(e.getKey()))
                        .toList();
        long ours =
                all.stream()
                        .filter(m -> "slack".equals(m.path("kind").asText()) && mentions(m, id))
                        .count();
        expect(
                repeated.isEmpty(),
                "one Slack message per event ("
                        + ours
                        + " for this deployment, "
                        + slackBodies.size()
                        + " in all), no message twice"
                        + (repeated.isEmpty() ? "" : ": " + repeated));
        if (failing) {
            long pages = all.stream().filter(m -> isPage(m, id)).count();
            expect(
                    pages == 1,
                    "one PagerDuty page (trigger) for the deployment, the receiver got " + pages);
        }
        if (kafka == null) {
            return;
        }
        EventLog log;
        try {
            log =
                    EventLog.read(
                            kafka,
                            id,
                            List.of(
                                    "stride.phase-requested",
                                    "stride.rollback-requested",
                                    "stride.rollback-completed",
                                    "stride.deployment-finished",
                                    "stride.incidents"),
                            Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            expect(false, "the deployment's events read from Kafka at " + kafka + " (" + e + ")");
            return;
        }
        var phases =
                log.ids(
                        "dev.stride.phase.requested.v1",
                        e ->
                                "attempt "
                                        + e.data().path("attempt").asText()
                                        + " phase "
                                        + e.data().path("phase").asText());
        List<String> twice =
                phases.entrySet().stream()
                        .filter(e -> e.getValue().size() > 1)
                        .map(e -> e.getKey() + ": " + e.getValue().size())
                        .toList();
        expect(
                !phases.isEmpty() && twice.isEmpty(),
                "one PhaseRequested per phase on Kafka ("
                        + phases.size()
                        + " phases requested"
                        + (twice.isEmpty() ? "" : "; more than one event for " + twice)
                        + ")");
        once(log, "dev.stride.deployment.finished.v1", "DeploymentFinished");
        if (failing) {
            once(log, "dev.stride.rollback.requested.v1", "RollbackRequested");
            // The planner asks on the breach; when the incident service's P1 response reaches it
            // first, the planner honours that one and publishes none of its own: either is
            // Stride's.
            expect(
                    log
                            .ids("dev.stride.rollback.requested.v1", EventLog.Event::source)
                            .keySet()
                            .stream()
                            .anyMatch(
                                    source ->
                                            source.equals("/stride/planner")
                                                    || source.startsWith("/stride/incident")),
                    "Stride's RollbackRequested (planner or incident service) on Kafka");
            once(log, "dev.stride.rollback.completed.v1", "RollbackCompleted");
            once(log, "dev.stride.incident.opened.v1", "IncidentOpened");
        }
        System.out.printf(
                "kafka: %d record(s) of this deployment on the topics read%n", log.size());
    }

    // One event of the type from each service that publishes it: the incident service asks for its
    // own rollback
    // of a P1 from a breach (the planner takes it as a no-op), so RollbackRequested comes from two
    // publishers,
    // once each; a replica acting twice would make a second id from the same one.
    private void once(EventLog log, String type, String name) {
        var bySource = log.ids(type, EventLog.Event::source);
        long records = log.records(type);
        int events = bySource.values().stream().mapToInt(Set::size).sum();
        String counts =
                bySource.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue().size())
                        .collect(java.util.stream.Collectors.joining(", "));
        expect(
                !bySource.isEmpty() && bySource.values().stream().allMatch(ids -> ids.size() == 1),
                "one "
                        + name
                        + " on Kafka from each publisher, found "
                        + (bySource.isEmpty() ? "none" : counts)
                        + (records > events ? " (" + records + " records: redelivered)" : ""));
    }

    // The deployment finished; its notifications go out asynchronously (Slack paced at one a
    // second): wait for
    // the last Slack message it makes (DeploymentFinished's) and, for a failed canary, the
    // PagerDuty page.
    private static final Set<String> SETTLED = Set.of("SENT", "SKIPPED", "FAILED");

    /** Until the notifier's delivery log shows every delivery of deployment {@code id} settled, or {@code until}. */
    private void awaitDeliveriesSettled(String id, Instant until) throws InterruptedException {
        String unsettled = "no delivery log read";
        while (Instant.now().isBefore(until)) {
            try {
                JsonNode log =
                        call(
                                notifier,
                                "GET",
                                "/api/v1/deliveries?deploymentId=" + id,
                                null,
                                null,
                                200,
                                null);
                List<String> open = new ArrayList<>();
                log.path("items")
                        .forEach(
                                d -> {
                                    if (!SETTLED.contains(d.path("status").asText())) {
                                        open.add(
                                                d.path("channel").asText()
                                                        + " "
                                                        + d.path("status").asText());
                                    }
                                });
                if (open.isEmpty() && !log.path("items").isEmpty()) {
                    return;
                }
                unsettled = open.isEmpty() ? "no deliveries yet" : String.join(", ", open);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                unsettled = "the delivery log did not answer (" + e.getMessage() + ")";
            }
            Thread.sleep(250);
        }
        System.out.println(
                "(the notifier's deliveries did not settle within 60 s: " + unsettled + ")");
    }

    private void awaitNotifications(String id, int receivedBefore) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until)) {
            List<JsonNode> news = since(receivedBefore);
            boolean ended =
                    news.stream()
                            .anyMatch(
                                    m ->
                                            "slack".equals(m.path("kind").asText())
                                                    && mentions(m, id)
                                                    && (failing
                                                            ? slackText(m.path("body").toString())
                                                                    .startsWith("Deployment to")
                                                            : slackText(m.path("body").toString())
                                                                    .contains(
                                                                            "completed successfully")));
            boolean paged = !failing || news.stream().anyMatch(m -> isPage(m, id));
            if (ended && paged) {
                // A second replica's copy of a message would be sent before its delivery row is
                // settled: wait until the notifier's log has every delivery of the deployment
                // settled, so checkOnce sees any such copy.
                awaitDeliveriesSettled(id, until);
                return;
            }
            Thread.sleep(500);
        }
        System.out.println(
                "(the deployment's last Slack message"
                        + (failing ? " or its PagerDuty page" : "")
                        + " did not arrive within 60 s)");
    }

    private static boolean mentions(JsonNode message, String id) {
        return message.path("body").toString().contains(id);
    }

    private static boolean isPage(JsonNode message, String id) {
        JsonNode body = message.path("body");
        return "pagerduty".equals(message.path("kind").asText())
                && "trigger".equals(body.path("event_action").asText())
                && id.equals(
                        body.path("payload").path("custom_details").path("deployment_id").asText());
    }

    private String slackText(String body) {
        try {
            return json.readTree(body).path("text").asText("");
        } catch (IOException e) {
            return body;
        }
    }

    private List<JsonNode> since(int receivedBefore) {
        List<JsonNode> all = received();
        return all.subList(Math.min(receivedBefore, all.size()), all.size());
    }

    private static boolean running(JsonNode view, String phaseName) {
        for (JsonNode phase : view.path("phases")) {
            if (phaseName.equals(phase.path("name").asText())) {
                return "RUNNING".equals(phase.path("status").asText());
            }
        }
        return false;
    }

    // Runs the midway command (the end-to-end test's SIGKILLs) and waits for it; it prints what it
    // does.
    private void midway(Instant began) throws IOException, InterruptedException {
        midwayDone = true;
        System.out.printf(
                "%6.1fs  phase %s is RUNNING: %s%n",
                seconds(began, Instant.now()), midwayPhase, midwayCommand);
        Process process = new ProcessBuilder("bash", "-c", midwayCommand).inheritIO().start();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            problems.add("the midway command did not end within 30 s");
        } else if (process.exitValue() != 0) {
            problems.add("the midway command failed (exit " + process.exitValue() + ")");
        }
    }

    /**
     * Another team's deployment, beside the failing canary, whose platform never answers: a HAProxy runtime API at a
     * loopback address that accepts connections and never says a word (a hung load balancer, or a typo that points
     * at the wrong port). Its phase waits, retried, for minutes; the canary's rollback must not wait behind it. The
     * listener lives as long as this run.
     */
    private void besideABlackHole() throws Exception {
        ServerSocket hole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread acceptor =
                new Thread(
                        () -> {
                            while (true) {
                                try {
                                    held.add(hole.accept()); // held open, never answered
                                } catch (IOException closed) {
                                    return;
                                }
                            }
                        },
                        "black-hole");
        acceptor.setDaemon(true);
        acceptor.start();
        String address = "127.0.0.1:" + hole.getLocalPort();
        JsonNode created =
                call(
                        planner,
                        "POST",
                        "/api/v1/deployments",
                        """
                application: demo-beside
                environment: staging
                version: "1.0.%1$d"
                artifact: stride-demo-beside:1.0.%1$d
                commitSha: %2$s
                commitTime: %3$s
                requestedBy: demo
                target:
                  platform: haproxy
                  address: "%4$s"
                  backend: beside
                  stableServer: stable
                  canaryServer: canary
                deployment:
                  strategy: canary
                  phases:
                    - {name: initial, traffic_percentage: 5, duration: 10m}
                    - {name: full-rollout, traffic_percentage: 100}
                """
                                .formatted(
                                        System.currentTimeMillis() % 100000,
                                        Long.toHexString(Double.doubleToLongBits(Math.random()))
                                                .substring(0, 12),
                                        Instant.now()
                                                .minusSeconds(600)
                                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                                        address),
                        "application/yaml",
                        202,
                        "demo-beside-" + java.util.UUID.randomUUID());
        System.out.printf(
                "posted deployment %s of demo-beside (%s) on a HAProxy runtime API that accepts and never "
                        + "answers (%s): it stays stuck beside this canary%n",
                created.path("id").asText(), created.path("status").asText(), address);
    }

    private String request() {
        return """
                application: demo
                environment: production
                version: "%1$s"
                artifact: stride-demo-app:%1$s
                commitSha: %2$s
                commitTime: %3$s
                requestedBy: demo
                target:
                  platform: haproxy
                  socket: %4$s
                  backend: demo
                  stableServer: stable
                  canaryServer: canary
                deployment:
                  strategy: canary
                  phases:
                    - name: initial
                      traffic_percentage: 5
                      duration: 15s
                      success_criteria:
                        error_rate: "<1%%"
                    - name: ramp-up
                      traffic_percentage: 25
                      duration: 15s
                      success_criteria:
                        error_rate: "<1%%"
                    - name: full-rollout
                      traffic_percentage: 100
                      duration: 10s
                      success_criteria:
                        error_rate: "<1%%"
                rollback:
                  # The runbook's three triggers, their durations scaled from minutes to seconds.
                  triggers:
                    - name: high_error_rate
                      metric: error_rate
                      threshold: "5%%"
                      duration: 5s
                      action: automatic_rollback
                    - name: response_time_degradation
                      metric: response_time_p95
                      threshold: "1000ms"
                      duration: 3s
                      action: automatic_rollback
                    - name: health_check_failure
                      metric: health_check_success_rate
                      threshold: "90%%"
                      duration: 2s
                      action: automatic_rollback
                  rollback_strategy:
                    method: previous_version
                    timeout: 1m
                    # Stable is verified this long after it is restored (the runbook's 2m).
                    verification_delay: 2s
                checks:
                  pre:
                    health: {url: "%5$s", expected_status: 200}
                %6$s"""
                .formatted(
                        version,
                        Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 12),
                        Instant.now()
                                .minusSeconds(600)
                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        socket.toAbsolutePath(),
                        healthUrl,
                        migrates() ? database() : "");
    }

    /** The request's database block: v2's expand migration, Flyway baselining v1's schema at version 1. */
    private String database() {
        return """
                database:
                  url: "%s"
                  credentials:
                    username: "%s"
                    password_file: "%s"
                  scripts:
                    directory: "%s"
                  migrations:
                    - {version: "2", kind: expand}
                  backup:
                    directory: "%s"
                  flyway:
                    baseline_on_migrate: true
                    baseline_version: "1"
                  timeout: 2m
                """
                .formatted(
                        appDatabase,
                        appDatabaseUser,
                        appDatabasePasswordFile.toAbsolutePath(),
                        migrations.toAbsolutePath(),
                        backups.toAbsolutePath());
    }

    private static String phase(JsonNode view) {
        int current = view.path("currentPhase").asInt(-1);
        for (JsonNode phase : view.path("phases")) {
            if (phase.path("index").asInt() == current) {
                return phase.path("type").asText() + " " + phase.path("name").asText();
            }
        }
        return "-";
    }

    private static List<JsonNode> timeline(JsonNode view, String action) {
        List<JsonNode> entries = new ArrayList<>();
        view.path("timeline")
                .forEach(
                        e -> {
                            if (action.equals(e.path("action").asText())) {
                                entries.add(e);
                            }
                        });
        return entries;
    }

    private static Instant at(JsonNode view, String action) {
        List<JsonNode> entries = timeline(view, action);
        return entries.isEmpty() ? null : Instant.parse(entries.get(0).path("at").asText());
    }

    // The new version's share of 5xx over the last 10 s, as Prometheus has it; null without data.
    private Double errorRate() {
        // No 5xx series yet is no error, not no data: "or vector(0)".
        String query =
                "(sum(rate(http_server_requests_seconds_count{version=\""
                        + version
                        + "\",status=~\"5..\"}[10s])) or vector(0))"
                        + " / sum(rate(http_server_requests_seconds_count{version=\""
                        + version
                        + "\"}[10s]))";
        try {
            JsonNode answer =
                    send(
                            "GET",
                            prometheus
                                    + "/api/v1/query?query="
                                    + URLEncoder.encode(query, StandardCharsets.UTF_8),
                            null,
                            null,
                            200,
                            null);
            JsonNode result = answer.path("data").path("result");
            if (result.isEmpty()) {
                return null;
            }
            double value = Double.parseDouble(result.get(0).path("value").get(1).asText());
            return Double.isNaN(value) ? null : value;
        } catch (Exception e) {
            return null;
        }
    }

    // HAProxy's own word, through its runtime API: the weights of the stable and the canary server.
    private int[] weights() {
        return new int[] {weight("stable"), weight("canary")};
    }

    private int weight(String server) {
        try {
            return Integer.parseInt(
                    RuntimeApi.send(socket, "get weight demo/" + server).strip().split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private List<JsonNode> received() {
        try {
            List<JsonNode> all = new ArrayList<>();
            send("GET", receiver + "/received", null, null, 200, null).forEach(all::add);
            return all;
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The replicas of one service: their base URLs, and which one answered last (asked first). */
    private static final class Replicas {
        private final String name;
        private final List<String> urls;
        private int answering;

        Replicas(String name, String urls) {
            this.name = name;
            this.urls =
                    java.util.Arrays.stream(urls.split(","))
                            .map(String::strip)
                            .filter(u -> !u.isEmpty())
                            .toList();
            if (this.urls.isEmpty()) {
                throw new IllegalArgumentException("no URL for the " + name);
            }
        }
    }

    // A replica that does not answer (connection refused or reset, no answer in time) is skipped
    // for the next;
    // when none answers, the round is tried again for up to a minute (a machine busy starting JVMs
    // is slow to
    // answer a first request, and a killed replica's port refuses at once).
    private JsonNode call(
            Replicas to,
            String method,
            String path,
            String body,
            String type,
            int expected,
            String idempotencyKey)
            throws Exception {
        Instant giveUp = Instant.now().plusSeconds(60);
        while (true) {
            String base = to.urls.get(to.answering);
            try {
                return send(method, base + path, body, type, expected, idempotencyKey);
            } catch (IOException e) {
                to.answering = (to.answering + 1) % to.urls.size();
                if (Instant.now().isAfter(giveUp)) {
                    throw new IOException(
                            "no replica of the "
                                    + to.name
                                    + " answered "
                                    + method
                                    + " "
                                    + path
                                    + " within 60 s ("
                                    + to.urls
                                    + ")",
                            e);
                }
                System.out.printf(
                        "        the %s at %s does not answer (%s); asking %s%n",
                        to.name, base, e.getClass().getSimpleName(), to.urls.get(to.answering));
                Thread.sleep(500);
            }
        }
    }

    private JsonNode send(
            String method,
            String url,
            String body,
            String type,
            int expected,
            String idempotencyKey)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json");
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        if (body != null) {
            request.header("Content-Type", type)
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(
                    method
                            + " "
                            + url
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body());
        }
        return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
    }

    private void expect(boolean holds, String what) {
        System.out.printf("  [%s] %s%n", holds ? "ok" : "FAILED", what);
        if (!holds) {
            problems.add(what);
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
