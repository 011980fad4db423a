package dev.stride.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 */
final class Scenario {

    static final Set<String> OPTIONS = Set.of("scenario", "version", "planner", "incident", "receiver", "prometheus",
            "haproxy-socket", "token-file", "health-url", "timeout");

    private static final Set<String> FINAL = Set.of("SUCCEEDED", "ROLLED_BACK", "ROLLBACK_FAILED", "FAILED",
            "REJECTED", "ABORTED");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String planner;
    private final String incident;
    private final String receiver;
    private final String prometheus;
    private final Path socket;
    private final String token;
    private final String version;
    private final String healthUrl;
    private final boolean failing;
    private final Duration timeout;
    private final List<String> problems = new ArrayList<>();

    private Scenario(Options options) throws IOException {
        String scenario = options.text("scenario", "healthy");
        if (!scenario.equals("healthy") && !scenario.equals("failing")) {
            throw new IllegalArgumentException("--scenario must be healthy or failing, got " + scenario);
        }
        failing = scenario.equals("failing");
        version = options.text("version", failing ? "v3" : "v2");
        planner = options.text("planner", "http://127.0.0.1:8081");
        incident = options.text("incident", "http://127.0.0.1:8085");
        receiver = options.text("receiver", "http://127.0.0.1:18099");
        prometheus = options.text("prometheus", "http://127.0.0.1:19090");
        socket = Path.of(options.text("haproxy-socket", ".stride/demo/haproxy.sock"));
        healthUrl = options.text("health-url", "http://127.0.0.1:18082/health");
        token = Files.readString(Path.of(options.text("token-file", ".stride/demo/token"))).strip();
        timeout = Duration.ofSeconds(options.integer("timeout", 240));
    }

    static int run(Options options) throws Exception {
        return new Scenario(options).play();
    }

    private int play() throws Exception {
        Instant began = Instant.now();
        int receivedBefore = received().size();
        String title = failing ? "canary " + version + " with 10% errors: expect an automatic rollback"
                : "canary " + version + ", healthy: expect 5% -> 25% -> 100%";
        System.out.printf("%n=== %s ===%n", title);
        JsonNode created = send("POST", planner + "/api/v1/deployments", request(), "application/yaml", 202);
        String id = created.path("id").asText();
        System.out.printf("posted deployment %s (%s)%n", id, created.path("status").asText());

        String last = "";
        Instant breachSeen = null;
        Instant restoredSeen = null;
        JsonNode view;
        while (true) {
            view = send("GET", planner + "/api/v1/deployments/" + id, null, null, 200);
            String status = view.path("status").asText();
            int[] weights = weights();
            Double errors = errorRate();
            if (failing && breachSeen == null && errors != null && errors > 0.05) {
                breachSeen = Instant.now();
            }
            if (failing && breachSeen != null && restoredSeen == null && weights[1] == 0 && weights[0] > 0) {
                restoredSeen = Instant.now();
            }
            String line = String.format(Locale.ROOT, "%-12s %-26s haproxy stable=%3d canary=%3d  %s error rate %s",
                    status, phase(view), weights[0], weights[1], version,
                    errors == null ? "(no data yet)" : String.format(Locale.ROOT, "%.1f%%", errors * 100));
            if (!line.equals(last)) {
                System.out.printf("%6.1fs  %s%n", seconds(began, Instant.now()), line);
                last = line;
            }
            if (FINAL.contains(status)) {
                break;
            }
            if (Duration.between(began, Instant.now()).compareTo(timeout) > 0) {
                problems.add("the deployment did not finish within " + timeout.toSeconds() + " s (" + status + ")");
                break;
            }
            Thread.sleep(1000);
        }
        check(view, id, began, breachSeen, restoredSeen, receivedBefore);
        if (problems.isEmpty()) {
            System.out.printf("scenario passed in %.0f s%n", seconds(began, Instant.now()));
            return 0;
        }
        problems.forEach(p -> System.out.println("FAILED: " + p));
        return 1;
    }

    private void check(JsonNode view, String id, Instant began, Instant breachSeen, Instant restoredSeen,
            int receivedBefore) throws Exception {
        String status = view.path("status").asText();
        int[] weights = weights();
        if (!failing) {
            expect(status.equals("SUCCEEDED"), "status SUCCEEDED, got " + status + " (" + view.path("reason") + ")");
            expect(weights[1] == 100 && weights[0] == 0, "HAProxy at canary 100, got stable " + weights[0]
                    + " canary " + weights[1]);
            return;
        }
        expect(status.equals("ROLLED_BACK"), "status ROLLED_BACK, got " + status + " (" + view.path("reason") + ")");
        expect(weights[0] == 100 && weights[1] == 0, "HAProxy back at stable 100, got stable " + weights[0]
                + " canary " + weights[1]);
        List<JsonNode> rollbacks = timeline(view, "rolling-back");
        expect(rollbacks.size() == 1, "one rollback, the timeline has " + rollbacks.size());
        Instant breach = at(view, "breach");
        Instant requested = rollbacks.isEmpty() ? null : Instant.parse(rollbacks.get(0).path("at").asText());
        Instant completed = at(view, "rollback-succeeded");

        JsonNode incidents = send("GET", incident + "/api/v1/incidents?application=demo&environment=production",
                null, null, 200);
        List<JsonNode> ours = new ArrayList<>();
        (incidents.isArray() ? incidents : incidents.path("items")).forEach(i -> {
            if (id.equals(i.path("deploymentId").asText())) {
                ours.add(i);
            }
        });
        expect(ours.size() == 1, "one incident for the deployment, found " + ours.size());
        if (ours.size() == 1) {
            expect("P1".equals(ours.get(0).path("severity").asText()), "the incident is P1, got "
                    + ours.get(0).path("severity").asText());
            System.out.printf("incident %s %s %s%n", ours.get(0).path("id").asText(),
                    ours.get(0).path("severity").asText(), ours.get(0).path("status").asText());
        }
        // Notifications go out asynchronously: give them a few seconds after the rollback.
        List<JsonNode> news = List.of();
        for (int i = 0; i < 30; i++) {
            List<JsonNode> all = received();
            news = all.subList(Math.min(receivedBefore, all.size()), all.size());
            if (news.stream().anyMatch(m -> "slack".equals(m.path("kind").asText()))
                    && news.stream().anyMatch(m -> "statuspage".equals(m.path("kind").asText()))) {
                break;
            }
            Thread.sleep(1000);
        }
        long slack = news.stream().filter(m -> "slack".equals(m.path("kind").asText())).count();
        long statuspage = news.stream().filter(m -> "statuspage".equals(m.path("kind").asText())).count();
        expect(slack > 0, "Slack messages at the receiver");
        expect(statuspage > 0, "a Statuspage incident at the receiver");
        System.out.printf("%nreceiver: %d Slack message(s), %d Statuspage call(s), %d other(s)%n", slack, statuspage,
                news.size() - slack - statuspage);

        System.out.println("\ntimings (from the breach visible in Prometheus; the trigger fires after its "
                + "5 s of measurements in a row over 5%):");
        if (breachSeen != null) {
            System.out.printf("  breach visible in Prometheus   %s%n", breachSeen);
            if (breach != null) {
                System.out.printf("  verifier's breach -> planner   %+.1f s%n", seconds(breachSeen, breach));
            }
            if (requested != null) {
                System.out.printf("  rollback requested (planner)   %+.1f s%n", seconds(breachSeen, requested));
            }
            if (completed != null) {
                System.out.printf("  RollbackCompleted (timeline)   %+.1f s%n", seconds(breachSeen, completed));
            }
            if (restoredSeen != null) {
                System.out.printf("  HAProxy seen at stable 100     %+.1f s (polled every second)%n",
                        seconds(breachSeen, restoredSeen));
            }
        } else {
            System.out.println("  (Prometheus never showed the error rate above 5% while polled)");
        }
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
                  triggers:
                    - name: high_error_rate
                      metric: error_rate
                      threshold: "5%%"
                      duration: 5s
                      action: automatic_rollback
                  rollback_strategy:
                    method: previous_version
                    timeout: 1m
                    verification_delay: 5s
                checks:
                  pre:
                    health: {url: "%5$s", expected_status: 200}
                """.formatted(version, Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 12),
                Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                socket.toAbsolutePath(), healthUrl);
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
        view.path("timeline").forEach(e -> {
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
        String query = "(sum(rate(http_server_requests_seconds_count{version=\"" + version
                + "\",status=~\"5..\"}[10s])) or vector(0))"
                + " / sum(rate(http_server_requests_seconds_count{version=\"" + version + "\"}[10s]))";
        try {
            JsonNode answer = send("GET", prometheus + "/api/v1/query?query="
                    + URLEncoder.encode(query, StandardCharsets.UTF_8), null, null, 200);
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
            return Integer.parseInt(RuntimeApi.send(socket, "get weight demo/" + server).strip().split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private List<JsonNode> received() {
        try {
            List<JsonNode> all = new ArrayList<>();
            send("GET", receiver + "/received", null, null, 200).forEach(all::add);
            return all;
        } catch (Exception e) {
            return List.of();
        }
    }

    private JsonNode send(String method, String url, String body, String type, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": "
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
