package dev.stride.notifier.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoticeTemplatesTest {

    private static final Map<String, Object> FACTS =
            Map.of(
                    "application",
                    "checkout",
                    "environment",
                    "production",
                    "version",
                    "2.4.0",
                    "time",
                    "2026-11-26 10:00:00 UTC",
                    "phase",
                    2,
                    "weight",
                    0);

    @TempDir Path dir;

    @Test
    void theBuiltInTextsAreTheRunbooks() {
        NoticeTemplates templates = new NoticeTemplates(Optional.empty());

        assertThat(templates.render("deployment-starting", FACTS))
                .isEqualTo(
                        "🚀 Deployment to production starting at 2026-11-26 10:00:00 UTC: checkout 2.4.0");
        assertThat(templates.render("deployment-in-progress", FACTS))
                .endsWith("checkout 2.4.0, phase 2, 0% of traffic on the new version");
        assertThat(
                        templates.render(
                                "deployment-in-progress",
                                Map.of(
                                        "application",
                                        "cart",
                                        "environment",
                                        "staging",
                                        "version",
                                        "1.0",
                                        "time",
                                        "2026-11-26 10:00:00 UTC",
                                        "phase",
                                        1)))
                .as("no weight, no weight clause")
                .isEqualTo(
                        "⏳ Deployment to staging in progress - 2026-11-26 10:00:00 UTC: cart 1.0, phase 1");
        assertThat(
                        templates.render(
                                "rollback-succeeded",
                                Map.of(
                                        "application",
                                        "cart",
                                        "environment",
                                        "staging",
                                        "time",
                                        "2026-11-26 10:00:00 UTC")))
                .as("an absent detail leaves no trailing gap")
                .isEqualTo(
                        "✓ Rollback completed successfully - 2026-11-26 10:00:00 UTC: cart in staging is back on "
                                + "the stable version.");
    }

    @Test
    void theRollbackInitiatedTextNamesWhoAskedAndWhy() {
        NoticeTemplates templates = new NoticeTemplates(Optional.empty());
        Map<String, Object> facts = new java.util.HashMap<>(FACTS);
        facts.put("requestedBy", "alice");

        assertThat(templates.render("rollback-initiated", facts))
                .isEqualTo(
                        "⏪ Rollback initiated - 2026-11-26 10:00:00 UTC: checkout 2.4.0 in production goes back "
                                + "to the stable version, requested by alice. Reason: none given");
        facts.put("reason", "checkout errors on EU");
        assertThat(templates.render("rollback-initiated", facts))
                .endsWith("requested by alice. Reason: checkout errors on EU");
    }

    @Test
    void aFileInTheTemplateDirectoryReplacesTheBuiltInText() throws IOException {
        Files.writeString(
                dir.resolve("deployment-starting.txt"),
                "{application} {version} is on its way to {environment}\n");

        NoticeTemplates templates = new NoticeTemplates(Optional.of(dir));

        assertThat(templates.render("deployment-starting", FACTS))
                .isEqualTo("checkout 2.4.0 is on its way to production");
        assertThat(templates.render("deployment-completed", FACTS))
                .startsWith("✅ Deployment to production completed");
    }

    @Test
    void aReplacementThatFailsToRenderFallsBackAndOneThatDoesNotParseStopsTheStart()
            throws IOException {
        Files.writeString(dir.resolve("deployment-completed.txt"), "{no_such_key} done");
        NoticeTemplates templates = new NoticeTemplates(Optional.of(dir));
        assertThat(templates.render("deployment-completed", FACTS))
                .startsWith("✅ Deployment to production completed");

        Files.writeString(dir.resolve("deployment-failed.txt"), "{#if phase}unclosed");
        assertThatThrownBy(() -> new NoticeTemplates(Optional.of(dir)))
                .hasMessageContaining("deployment-failed.txt");
    }
}
