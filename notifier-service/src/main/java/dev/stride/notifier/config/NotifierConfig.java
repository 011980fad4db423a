package dev.stride.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notifier's configuration ({@code stride.notifier.*}): the channels (each a Slack webhook, a Statuspage page or
 * a generic webhook, with its secrets), the routes that pick channels per application and environment, the on-call
 * route for P0/P1 incidents, delivery timing, links and message templates. Secrets can come from the environment
 * ({@code ${SLACK_DEPLOYS_URL}} in a value) and are never logged.
 */
@ConfigMapping(prefix = "stride.notifier")
public interface NotifierConfig {

    /** Channels by name. */
    Map<String, Channel> channels();

    /** Routes by name; the one that matches an event's application and environment most closely wins. */
    Map<String, Route> routes();

    /** Added to the route of P0/P1 incidents. */
    OnCall onCall();

    Delivery delivery();

    Links links();

    /** A directory whose {@code <kind>.txt} files replace the built-in message templates. */
    Optional<String> templateDir();

    interface Channel {
        /**
         * Which kind of channel this is ({@code slack}, {@code statuspage}, {@code webhook}): the name of a
         * {@code ChannelFactory}, in any case.
         */
        String type();

        /** Slack: the incoming-webhook URL. Webhook: the receiver's URL. Both are secrets. */
        Optional<String> url();

        /** Webhook: the Standard Webhooks signing secret, {@code whsec_<base64>}. */
        Optional<String> secret();

        /** Statuspage: the API's base URL. */
        @WithDefault("https://api.statuspage.io")
        String apiBase();

        /** Statuspage: the API key (sent as {@code Authorization: OAuth <key>}). */
        Optional<String> apiKey();

        /** Statuspage: the page id. */
        Optional<String> pageId();

        /** Statuspage: the components an incident affects. */
        Optional<List<String>> components();

        /** Least time between two messages on this channel (Slack allows about one per second per webhook). */
        Optional<Duration> minInterval();
    }

    interface Route {
        /** The application it is for; absent means any. */
        Optional<String> application();

        /** The environment it is for (one of stride.environments); absent means any. */
        Optional<String> environment();

        List<String> channels();
    }

    interface OnCall {
        Optional<List<String>> channels();
    }

    interface Delivery {
        /** How often each channel's sender looks for work (and at once when work arrives). */
        @WithDefault("500ms")
        Duration pollInterval();

        /** Attempts before a delivery is given up as FAILED. */
        @WithDefault("8")
        int maxAttempts();

        /** First retry delay; doubled per attempt up to {@link #backoffMax()}, with jitter. */
        @WithDefault("2s")
        Duration backoffInitial();

        @WithDefault("5m")
        Duration backoffMax();

        /** A delivery left SENDING this long (its sender died) is taken up again. */
        @WithDefault("60s")
        Duration staleAfter();

        /** Time limit of one HTTP call to a channel, from sending the request to its answer. */
        @WithDefault("10s")
        Duration requestTimeout();

        /** Time limit for opening a connection to a channel's endpoint (a host that does not answer SYNs). */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Deliveries in flight at once, across all channels (per replica). */
        @WithDefault("16")
        int concurrency();

        /**
         * Deliveries in flight at once to one endpoint (host:port), whatever the channels on it: an endpoint that does
         * not answer holds at most this many of the {@link #concurrency()} slots.
         */
        @WithDefault("4")
        int perEndpoint();

        /** Slack's default pace when a Slack channel names none. */
        @WithDefault("1s")
        Duration slackMinInterval();
    }

    interface Links {
        /** Link to a deployment; {@code {deploymentId}} is replaced. */
        @WithDefault("http://localhost:8081/api/v1/deployments/{deploymentId}")
        String deployment();

        /** Link to an incident; {@code {incidentId}} is replaced. */
        @WithDefault("http://localhost:8085/api/v1/incidents/{incidentId}")
        String incident();
    }
}
