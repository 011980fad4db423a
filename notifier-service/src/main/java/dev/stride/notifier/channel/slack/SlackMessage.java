package dev.stride.notifier.channel.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.notifier.notice.Notice;
import java.util.ArrayList;
import java.util.List;

/**
 * A notice as a Slack Block Kit message: a header, the runbook's text, fields for application, environment,
 * version, phase and traffic weight (and severity), links to the deployment and the incident, in an attachment
 * whose colour says how it went. {@code text} is the plain fallback Slack shows in notifications.
 */
public final class SlackMessage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEADER_MAX = 150;

    private SlackMessage() {}

    public static ObjectNode of(Notice notice) {
        ArrayNode blocks = JSON.createArrayNode();
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text")
                .put("type", "plain_text")
                .put("text", truncate(notice.title(), HEADER_MAX))
                .put("emoji", true);
        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", escape(notice.text()));

        List<String[]> facts = new ArrayList<>();
        add(facts, "Application", notice.application());
        add(facts, "Environment", notice.environment());
        add(facts, "Version", notice.version());
        add(facts, "Phase", notice.phase() == null ? null : String.valueOf(notice.phase()));
        add(facts, "Traffic weight", notice.weight() == null ? null : notice.weight() + "%");
        add(facts, "Severity", notice.severity() == null ? null : notice.severity().name());
        if (!facts.isEmpty()) {
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            facts.forEach(
                    f ->
                            fields.addObject()
                                    .put("type", "mrkdwn")
                                    .put("text", "*" + f[0] + "*\n" + escape(f[1])));
        }
        List<String> links = new ArrayList<>();
        if (notice.deploymentUrl() != null) {
            links.add("<" + notice.deploymentUrl() + "|Deployment>");
        }
        if (notice.incidentUrl() != null) {
            links.add("<" + notice.incidentUrl() + "|Incident>");
        }
        if (!links.isEmpty()) {
            blocks.addObject()
                    .put("type", "context")
                    .putArray("elements")
                    .addObject()
                    .put("type", "mrkdwn")
                    .put("text", String.join(" · ", links));
        }
        ObjectNode message = JSON.createObjectNode().put("text", escape(notice.text()));
        ObjectNode attachment =
                message.putArray("attachments").addObject().put("color", notice.tone().colour());
        attachment.set("blocks", blocks);
        return message;
    }

    private static void add(List<String[]> facts, String label, String value) {
        if (value != null && !value.isBlank()) {
            facts.add(new String[] {label, value});
        }
    }

    /** Slack's mrkdwn control characters, as its documentation asks. */
    static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
