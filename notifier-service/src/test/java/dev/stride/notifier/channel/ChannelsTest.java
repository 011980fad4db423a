package dev.stride.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.notifier.channel.slack.SlackChannelFactory;
import dev.stride.notifier.channel.statuspage.StatuspageChannelFactory;
import dev.stride.notifier.channel.statuspage.StatuspageIncidents;
import dev.stride.notifier.channel.webhook.WebhookChannelFactory;
import dev.stride.notifier.config.NotifierConfig;
import dev.stride.notifier.notice.Notice;
import dev.stride.notifier.notice.StatusUpdate;
import dev.stride.notifier.notice.Tone;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The configured channels are built by the factory their type names, and each channel says what it carries, how it
 * is paced by default and whether it takes a test message: what a switch on the channel type used to decide.
 */
class ChannelsTest {

    /** A made-up 32-byte signing key, built here so no key-shaped literal sits in the source. */
    private static final String SECRET =
            "whsec_"
                    + Base64.getEncoder()
                            .encodeToString(
                                    "test-only-signing-key-32-bytes!!"
                                            .getBytes(StandardCharsets.US_ASCII));

    private final ChannelFactories factories =
            new ChannelFactories(
                    List.of(
                            new SlackChannelFactory(),
                            new StatuspageChannelFactory(new StatuspageIncidents(null)),
                            new WebhookChannelFactory()));

    @Test
    void eachTypeIsBuiltByItsFactoryAndSaysWhatItCarries() {
        Channels channels =
                new Channels(
                        config(
                                Map.of(
                                        "team",
                                                channel(
                                                        "slack",
                                                        "https://slack.example.invalid/services/team",
                                                        null,
                                                        null),
                                        "status", channel("Statuspage", null, null, null),
                                        "audit",
                                                channel(
                                                        "WEBHOOK",
                                                        "https://audit.example.com:8443/hooks",
                                                        SECRET,
                                                        null))),
                        factories);

        Notice message = notice(null);
        Notice statusMove =
                notice(new StatusUpdate(StatusUpdate.Step.OPEN, "checkout degraded", "minor"));
        Channels.Configured team = channels.get("team").orElseThrow();
        assertThat(team.type()).isEqualTo("slack");
        assertThat(team.endpoint()).isEqualTo("slack.example.invalid:443");
        assertThat(team.channel().carries(Optional.empty())).isFalse();
        assertThat(team.channel().carries(Optional.of(message))).isTrue();

        Channels.Configured status = channels.get("status").orElseThrow();
        assertThat(status.type()).isEqualTo("statuspage");
        assertThat(status.endpoint()).isEqualTo("api.statuspage.io:443");
        assertThat(status.channel().carries(Optional.empty())).isFalse();
        assertThat(status.channel().carries(Optional.of(message))).isFalse();
        assertThat(status.channel().carries(Optional.of(statusMove))).isTrue();

        Channels.Configured audit = channels.get("audit").orElseThrow();
        assertThat(audit.type()).isEqualTo("webhook");
        assertThat(audit.endpoint()).isEqualTo("audit.example.com:8443");
        assertThat(audit.channel().carries(Optional.empty())).isTrue();
        assertThat(audit.channel().carries(Optional.of(statusMove))).isTrue();
    }

    @Test
    void slackIsPacedBySlackMinIntervalUnlessTheChannelNamesItsOwn() {
        Channels channels =
                new Channels(
                        config(
                                Map.of(
                                        "team",
                                                channel(
                                                        "slack",
                                                        "https://slack.example.invalid/services/one",
                                                        null,
                                                        null),
                                        "quick",
                                                channel(
                                                        "slack",
                                                        "https://slack.example.invalid/services/two",
                                                        null,
                                                        Duration.ofMillis(50)),
                                        "status", channel("statuspage", null, null, null),
                                        "audit",
                                                channel(
                                                        "webhook",
                                                        "https://audit.example.com/hooks",
                                                        SECRET,
                                                        null),
                                        "slow-audit",
                                                channel(
                                                        "webhook",
                                                        "https://audit.example.com/slow",
                                                        SECRET,
                                                        Duration.ofSeconds(2)))),
                        factories);

        assertThat(channels.get("team").orElseThrow().minInterval())
                .isEqualTo(Duration.ofMillis(1300));
        assertThat(channels.get("quick").orElseThrow().minInterval())
                .isEqualTo(Duration.ofMillis(50));
        assertThat(channels.get("status").orElseThrow().minInterval()).isZero();
        assertThat(channels.get("audit").orElseThrow().minInterval()).isZero();
        assertThat(channels.get("slow-audit").orElseThrow().minInterval())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void onlyTheStatusPageRefusesTestMessages() {
        Channels channels =
                new Channels(
                        config(
                                Map.of(
                                        "team",
                                                channel(
                                                        "slack",
                                                        "https://slack.example.invalid/services/team",
                                                        null,
                                                        null),
                                        "status", channel("statuspage", null, null, null),
                                        "audit",
                                                channel(
                                                        "webhook",
                                                        "https://audit.example.com/hooks",
                                                        SECRET,
                                                        null))),
                        factories);

        assertThat(channels.get("team").orElseThrow().channel().notTestedBecause()).isEmpty();
        assertThat(channels.get("audit").orElseThrow().channel().notTestedBecause()).isEmpty();
        assertThat(channels.get("status").orElseThrow().channel().notTestedBecause())
                .contains("a test must not open a public incident");
    }

    @Test
    void anUnknownTypeOrAMissingValueStopsTheStartNamingTheKey() {
        assertThatThrownBy(
                        () ->
                                new Channels(
                                        config(Map.of("mail", channel("email", null, null, null))),
                                        factories))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "channel mail: stride.notifier.channels.mail.type must be one of [slack, statuspage, "
                                + "webhook], was 'email'");
        assertThatThrownBy(
                        () ->
                                new Channels(
                                        config(Map.of("team", channel("slack", null, null, null))),
                                        factories))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("channel team needs stride.notifier.channels.team.url");
        assertThatThrownBy(
                        () ->
                                new Channels(
                                        config(
                                                Map.of(
                                                        "audit",
                                                        channel(
                                                                "webhook",
                                                                "https://audit.example.com/hooks?token=placeholder",
                                                                null,
                                                                null))),
                                        factories))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("channel audit needs stride.notifier.channels.audit.secret");
        assertThatThrownBy(
                        () ->
                                new Channels(
                                        config(
                                                Map.of(
                                                        "team",
                                                        channel(
                                                                "slack",
                                                                "slack.example.invalid/placeholder",
                                                                null,
                                                                null))),
                                        factories))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("channel team: url is not an http(s) URL");
    }

    private static Notice notice(StatusUpdate status) {
        return new Notice(
                "deployment-failed",
                "Deployment failed",
                "failed",
                Tone.DANGER,
                "checkout",
                "production",
                "1.0.0",
                1,
                25,
                null,
                null,
                null,
                null,
                status);
    }

    private static NotifierConfig.Channel channel(
            String type, String url, String secret, Duration minInterval) {
        return new NotifierConfig.Channel() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Optional<String> url() {
                return Optional.ofNullable(url);
            }

            @Override
            public Optional<String> secret() {
                return Optional.ofNullable(secret);
            }

            @Override
            public String apiBase() {
                return "https://api.statuspage.io";
            }

            @Override
            public Optional<String> apiKey() {
                return Optional.of("sp-key");
            }

            @Override
            public Optional<String> pageId() {
                return Optional.of("page-1");
            }

            @Override
            public Optional<List<String>> components() {
                return Optional.empty();
            }

            @Override
            public Optional<Duration> minInterval() {
                return Optional.ofNullable(minInterval);
            }
        };
    }

    private static NotifierConfig config(Map<String, NotifierConfig.Channel> channels) {
        Map<String, NotifierConfig.Channel> ordered = new LinkedHashMap<>(channels);
        return new NotifierConfig() {
            @Override
            public Map<String, Channel> channels() {
                return ordered;
            }

            @Override
            public Map<String, Route> routes() {
                return Map.of();
            }

            @Override
            public OnCall onCall() {
                return Optional::empty;
            }

            @Override
            public Delivery delivery() {
                return new Settings();
            }

            @Override
            public Links links() {
                return null;
            }

            @Override
            public Optional<String> templateDir() {
                return Optional.empty();
            }
        };
    }

    /** The defaults, with a Slack pace of its own so that it cannot be mistaken for another default. */
    private record Settings() implements NotifierConfig.Delivery {
        @Override
        public Duration pollInterval() {
            return Duration.ofMillis(500);
        }

        @Override
        public int maxAttempts() {
            return 8;
        }

        @Override
        public Duration backoffInitial() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration backoffMax() {
            return Duration.ofMinutes(5);
        }

        @Override
        public Duration staleAfter() {
            return Duration.ofSeconds(60);
        }

        @Override
        public Duration requestTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration connectTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        public int concurrency() {
            return 16;
        }

        @Override
        public int perEndpoint() {
            return 4;
        }

        @Override
        public Duration slackMinInterval() {
            return Duration.ofMillis(1300);
        }
    }
}
