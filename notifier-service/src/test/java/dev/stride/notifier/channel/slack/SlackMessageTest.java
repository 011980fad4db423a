package dev.stride.notifier.channel.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stride.notifier.notice.Notice;
import dev.stride.notifier.notice.Tone;
import org.junit.jupiter.api.Test;

class SlackMessageTest {

    @Test
    void escapesSlacksControlCharactersAndShowsOnlyKnownFacts() {
        Notice notice =
                new Notice(
                        "deployment-failed",
                        "Deployment failed, rolling back: a<b>",
                        "p95 > 1000ms & rising <!here>",
                        Tone.DANGER,
                        "a<b>",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);

        ObjectNode message = SlackMessage.of(notice);

        assertThat(message.path("text").asText())
                .isEqualTo("p95 &gt; 1000ms &amp; rising &lt;!here&gt;");
        var blocks = message.path("attachments").get(0).path("blocks");
        assertThat(blocks.get(1).path("text").path("text").asText())
                .isEqualTo(message.path("text").asText());
        assertThat(blocks.get(2).path("fields")).hasSize(1);
        assertThat(blocks.get(2).path("fields").get(0).path("text").asText())
                .isEqualTo("*Application*\na&lt;b&gt;");
        assertThat(blocks).as("no links to show, no context block").hasSize(3);
        assertThat(message.path("attachments").get(0).path("color").asText()).isEqualTo("#a30200");
    }
}
