package dev.stride.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in, on loopback, for what the notifier and the incident service talk to: Slack incoming webhooks (any
 * {@code POST /slack/...}, answered {@code ok}), the Statuspage API ({@code POST /v1/pages/{page}/incidents} and
 * {@code PATCH .../incidents/{id}}, answered with an incident id), PagerDuty's Events API v2
 * ({@code POST /v2/enqueue}) and generic webhooks (any other POST). Prints one line per message and lists what it
 * received at {@code GET /received} (JSON, the last 1000, PagerDuty's routing key masked), so a person or a test
 * can see it.
 */
final class WebhookReceiver {

    static final Set<String> OPTIONS = Set.of("port");

    private static final Pattern STATUSPAGE_CREATE =
            Pattern.compile("/v1/pages/([^/]+)/incidents/?");
    private static final Pattern STATUSPAGE_UPDATE =
            Pattern.compile("/v1/pages/([^/]+)/incidents/([^/]+)/?");

    private static final int MAX_KEPT = 1000;

    private final ObjectMapper json = new ObjectMapper();
    private final List<ObjectNode> received =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    private WebhookReceiver() {}

    static void run(Options options) throws IOException {
        int port = options.integer("port", 18099);
        WebhookReceiver receiver = new WebhookReceiver();
        HttpServer server =
                HttpServer.create(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", receiver::handle);
        server.start();
        System.out.printf(
                "receiver: Slack, Statuspage, PagerDuty and webhooks on http://127.0.0.1:%d/%n",
                port);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if ("GET".equals(method) && path.equals("/received")) {
            ArrayNode all = json.createArrayNode();
            synchronized (received) {
                received.forEach(all::add);
            }
            SampleApp.reply(exchange, 200, json.writeValueAsString(all), "application/json");
            return;
        }
        if (!"POST".equals(method) && !"PATCH".equals(method) && !"PUT".equals(method)) {
            SampleApp.reply(exchange, 405, "", "text/plain");
            return;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        JsonNode parsed = parse(body);
        String kind;
        int status;
        String answer;
        String type = "application/json";
        Matcher create = STATUSPAGE_CREATE.matcher(path);
        Matcher update = STATUSPAGE_UPDATE.matcher(path);
        if (path.startsWith("/slack/")) {
            kind = "slack";
            status = 200;
            answer = "ok";
            type = "text/plain";
        } else if (create.matches() && "POST".equals(method)) {
            kind = "statuspage";
            status = 201;
            answer = incident(UUID.randomUUID().toString().substring(0, 12), parsed);
        } else if (update.matches()) {
            kind = "statuspage";
            status = 200;
            answer = incident(update.group(2), parsed);
        } else if (path.equals("/v2/enqueue")) {
            kind = "pagerduty";
            status = 202;
            answer =
                    json.createObjectNode()
                            .put("status", "success")
                            .put("message", "Event processed")
                            .put("dedup_key", parsed.path("dedup_key").asText(""))
                            .toString();
        } else {
            kind = "webhook";
            status = 200;
            answer = "{}";
        }
        ObjectNode message = json.createObjectNode();
        message.put("kind", kind)
                .put("method", method)
                .put("path", path)
                .put("at", Instant.now().toString());
        exchange.getRequestHeaders()
                .forEach(
                        (name, values) -> {
                            String lower = name.toLowerCase();
                            if (lower.startsWith("webhook-") || lower.equals("content-type")) {
                                message.put("header:" + lower, String.join(",", values));
                            }
                        });
        // The PagerDuty routing key is a secret even here: kept out of what the receiver lists.
        if (parsed instanceof ObjectNode object && object.has("routing_key")) {
            object.put("routing_key", "****");
        }
        message.set("body", parsed);
        received.add(message);
        if (received.size() > MAX_KEPT) {
            received.remove(0);
        }
        System.out.printf("receiver: %-10s %s %s  %s%n", kind, method, path, summary(kind, parsed));
        SampleApp.reply(exchange, status, answer, type);
    }

    private String incident(String id, JsonNode request) {
        JsonNode incident = request.path("incident");
        return json.createObjectNode()
                .put("id", id)
                .put("name", incident.path("name").asText("incident"))
                .put("status", incident.path("status").asText("investigating"))
                .put("impact", incident.path("impact_override").asText("none"))
                .toString();
    }

    private JsonNode parse(String body) {
        try {
            return body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return json.getNodeFactory().textNode(body);
        }
    }

    // What a person watching wants from each: the Slack text, the Statuspage status, the PagerDuty
    // action.
    private static String summary(String kind, JsonNode body) {
        String text =
                switch (kind) {
                    case "slack" -> body.path("text").asText("");
                    case "statuspage" ->
                            body.path("incident").path("status").asText("")
                                    + " "
                                    + body.path("incident").path("name").asText("");
                    case "pagerduty" ->
                            body.path("event_action").asText("")
                                    + " "
                                    + body.path("payload").path("summary").asText("");
                    default -> body.path("type").asText("");
                };
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > 140 ? text.substring(0, 137) + "..." : text;
    }
}
