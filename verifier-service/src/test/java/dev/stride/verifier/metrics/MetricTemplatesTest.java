package dev.stride.verifier.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricTemplatesTest {

    private static final String ERROR_RATE =
            "100 * (sum(rate(http_server_requests_seconds_count{{selector},"
                    + "status=~\"5..\"}[{window}])) or vector(0)) / sum(rate(http_server_requests_seconds_count{{selector}}"
                    + "[{window}]))";

    @Test
    void theSelectorIsExpandedFirstThenTheVariables() {
        String query =
                MetricTemplates.render(
                        ERROR_RATE,
                        "version=\"{version}\"",
                        Map.of("version", "2.4.0", "window", "30s"));
        assertThat(query)
                .isEqualTo(
                        "100 * (sum(rate(http_server_requests_seconds_count{version=\"2.4.0\","
                                + "status=~\"5..\"}[30s])) or vector(0)) / sum(rate(http_server_requests_seconds_count"
                                + "{version=\"2.4.0\"}[30s]))");
    }

    @Test
    void aCanaryTrackSelectorAndTheHaproxyExporterCanBeExpressed() {
        String track =
                MetricTemplates.render(
                        "sum(rate(http_server_requests_seconds_count{{selector}}[{window}]))",
                        "track=\"{track}\",application=\"{application}\"",
                        Map.of("track", "canary", "application", "shop", "window", "1s"));
        assertThat(track)
                .isEqualTo(
                        "sum(rate(http_server_requests_seconds_count{track=\"canary\",application=\"shop\"}[1s]))");
        String haproxy =
                MetricTemplates.render(
                        "100 * (sum(rate(haproxy_server_http_responses_total{proxy="
                                + "\"{backend}\",server=\"{canaryServer}\",code=\"5xx\"}[{window}])) or vector(0))",
                        "",
                        Map.of("backend", "app", "canaryServer", "canary", "window", "5s"));
        assertThat(haproxy)
                .isEqualTo(
                        "100 * (sum(rate(haproxy_server_http_responses_total{proxy=\"app\","
                                + "server=\"canary\",code=\"5xx\"}[5s])) or vector(0))");
    }

    @Test
    void valuesAreEscapedForPromqlStringsAndUnknownVariablesLeftAlone() {
        String query =
                MetricTemplates.render(
                        "x{version=\"{version}\",y=\"{nope}\"}",
                        "",
                        Map.of("version", "1\"} or vector(1) or x{a=\"\\"));
        assertThat(query)
                .isEqualTo("x{version=\"1\\\"} or vector(1) or x{a=\\\"\\\\\",y=\"{nope}\"}");
    }

    @Test
    void urlsAreMaskedOfUserInfoAndQueryValues() {
        // Made up for this test, never a real credential.
        String password = "test-only-" + java.util.UUID.randomUUID();
        String token = "test-only-" + java.util.UUID.randomUUID();
        String masked =
                Redaction.url(
                        "https://ci:"
                                + password
                                + "@flags.example.com:8443/api/flags/x?token="
                                + token
                                + "&v=1");
        assertThat(masked)
                .isEqualTo("https://***@flags.example.com:8443/api/flags/x?token=***&v=***")
                .doesNotContain(password)
                .doesNotContain(token);
        assertThat(Redaction.url("https://api.example.com/health"))
                .isEqualTo("https://api.example.com/health");
    }
}
