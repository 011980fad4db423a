package dev.stride.notifier.notice;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The message texts: Qute templates, one per kind of notice. The built-in ones are the runbook's messages
 * ({@code notices/<kind>.txt} on the classpath); a file of the same name in the configured template directory
 * replaces one, so people change the wording without touching code. A replacement that does not parse stops the
 * service at start; one that fails to render (an unknown key) falls back to the built-in text for that message.
 */
public final class NoticeTemplates {

    private static final Logger LOG = Logger.getLogger(NoticeTemplates.class);

    public static final List<String> KINDS =
            List.of(
                    "deployment-starting",
                    "deployment-in-progress",
                    "deployment-completed",
                    "deployment-failed",
                    "migration-started",
                    "migration-done",
                    "migration-failed",
                    "restore-started",
                    "restore-done",
                    "restore-failed",
                    "threshold-breached",
                    "deployment-paused",
                    "deployment-resumed",
                    "rollback-initiated",
                    "rollback-succeeded",
                    "rollback-restored",
                    "rollback-failed",
                    "deployment-ended",
                    "incident-opened",
                    "incident-resolved",
                    "test");

    /** The keys every template can use (absent facts are null, and render empty). */
    public static final List<String> KEYS =
            List.of(
                    "application",
                    "environment",
                    "version",
                    "phase",
                    "phaseType",
                    "weight",
                    "time",
                    "reason",
                    "outcome",
                    "metric",
                    "observed",
                    "threshold",
                    "window",
                    "action",
                    "severity",
                    "title",
                    "cause",
                    "resolution",
                    "detail",
                    "requestedBy",
                    "by",
                    "delay",
                    "route",
                    "message",
                    "deploymentId",
                    "incidentId");

    private final Map<String, Template> builtIn = new HashMap<>();
    private final Map<String, Template> chosen = new HashMap<>();

    public NoticeTemplates(Optional<Path> overrides) {
        Engine engine = Engine.builder().addDefaults().build();
        for (String kind : KINDS) {
            Template template = engine.parse(builtInText(kind));
            builtIn.put(kind, template);
            chosen.put(kind, template);
            overrides
                    .map(dir -> dir.resolve(kind + ".txt"))
                    .filter(Files::isRegularFile)
                    .ifPresent(
                            file -> {
                                try {
                                    chosen.put(
                                            kind,
                                            engine.parse(
                                                    Files.readString(file, StandardCharsets.UTF_8)
                                                            .strip()));
                                    LOG.infof("Message template %s from %s", kind, file);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(
                                            "cannot read template " + file, e);
                                } catch (RuntimeException e) {
                                    throw new IllegalStateException(
                                            "template "
                                                    + file
                                                    + " does not parse: "
                                                    + e.getMessage(),
                                            e);
                                }
                            });
        }
    }

    /** Renders the text of {@code kind} with {@code facts} (keys of {@link #KEYS}; missing ones are null). */
    public String render(String kind, Map<String, Object> facts) {
        Map<String, Object> data = new HashMap<>();
        KEYS.forEach(key -> data.put(key, null));
        data.putAll(facts);
        Template template = chosen.get(kind);
        if (template == null) {
            throw new IllegalArgumentException("no template for " + kind);
        }
        try {
            return tidy(template.data(data).render());
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Template %s failed to render, using the built-in text: %s",
                    kind, e.getMessage());
            return tidy(builtIn.get(kind).data(data).render());
        }
    }

    // Absent facts leave doubled or trailing spaces behind.
    private static String tidy(String text) {
        return text.replaceAll("[ \\t]{2,}", " ").replaceAll(" ([.,:])", "$1").strip();
    }

    private static String builtInText(String kind) {
        try (InputStream in =
                NoticeTemplates.class
                        .getClassLoader()
                        .getResourceAsStream("notices/" + kind + ".txt")) {
            if (in == null) {
                throw new IllegalStateException(
                        "built-in template notices/" + kind + ".txt is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
