package dev.stride.verifier.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.PhaseRequested;
import dev.stride.events.PhaseType;
import dev.stride.events.ThresholdBreached;
import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.events.spec.HaproxyTarget;
import dev.stride.events.spec.KubernetesTarget;
import dev.stride.events.spec.Target;
import dev.stride.verifier.analysis.AnalysisSpec;
import dev.stride.verifier.analysis.HealthProbe;
import dev.stride.verifier.analysis.RollbackTrigger;
import dev.stride.verifier.metrics.MetricTemplates;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** From the planner's PhaseRequested parameters to what an analysis watches, with per-environment settings. */
class PhaseAnalysesTest {

    private final MetricTemplates templates =
            new MetricTemplates(
                    new SmallRyeConfigBuilder()
                            .withDefaultValues(
                                    Map.of(
                                            "stride.verifier.interval",
                                            "10s",
                                            "stride.verifier.window",
                                            "30s",
                                            "stride.verifier.selector",
                                            "version=\"{version}\"",
                                            "stride.verifier.query.error_rate",
                                            "err{{selector}}[{window}]",
                                            "stride.verifier.environment.development.interval",
                                            "1s",
                                            "stride.verifier.environment.development.selector",
                                            "track=\"{track}\"",
                                            "stride.verifier.application.shop.environment.development.query.error_rate",
                                            "haproxy{proxy=\"{backend}\",server=\"{canaryServer}\"}[{window}]"))
                            .build());

    @Test
    void aCanaryPhaseCarriesItsHoldCriteriaTriggersAndRenderedQueries() {
        AnalysisSpec spec =
                PhaseAnalyses.spec(
                        phase(
                                "checkout",
                                "staging",
                                Map.of(
                                        "duration",
                                        "10m",
                                        "successCriteria",
                                        Map.of("error_rate", "<1%"),
                                        "rollbackTriggers",
                                        List.of(
                                                Map.of(
                                                        "name",
                                                        "high_error_rate",
                                                        "metric",
                                                        "error_rate",
                                                        "threshold",
                                                        "5%",
                                                        "duration",
                                                        "5m",
                                                        "action",
                                                        "automatic_rollback")))),
                        templates);
        assertThat(spec.hold()).isEqualTo(Duration.ofMinutes(10));
        assertThat(spec.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.measurementCount()).isEqualTo(60);
        assertThat(spec.triggers())
                .containsExactly(
                        new RollbackTrigger(
                                "high_error_rate",
                                "error_rate",
                                "5%",
                                Duration.ofMinutes(5),
                                ThresholdBreached.Action.AUTOMATIC_ROLLBACK));
        assertThat(spec.queries())
                .containsExactly(Map.entry("error_rate", "err{version=\"2.4.0\"}[30s]"));
        assertThat(spec.application()).isEqualTo("checkout");
    }

    @Test
    void aBlueGreenStepHoldsForItsIntervalAndSettingsComeFromTheMostSpecificKey() {
        AnalysisSpec spec =
                PhaseAnalyses.spec(
                        phase(
                                "shop",
                                "development",
                                Map.of(
                                        "interval",
                                        "5m",
                                        "successCriteria",
                                        Map.of("error_rate", "<1%"))),
                        templates);
        assertThat(spec.hold()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(spec.queries().get("error_rate"))
                .isEqualTo("haproxy{proxy=\"app\",server=\"canary\"}[30s]");
        AnalysisSpec other =
                PhaseAnalyses.spec(
                        phase(
                                "cart",
                                "development",
                                Map.of("successCriteria", Map.of("error_rate", "<1%"))),
                        templates);
        assertThat(other.queries().get("error_rate")).isEqualTo("err{track=\"canary\"}[30s]");
        assertThat(other.hold()).isNull();
        assertThat(other.measurementCount()).isOne();
    }

    @Test
    void aPhasesOwnPromqlWinsAndAMetricWithoutAnyQueryCannotBeAnalysed() {
        AnalysisSpec own =
                PhaseAnalyses.spec(
                        phase(
                                "checkout",
                                "staging",
                                Map.of(
                                        "successCriteria", Map.of("error_rate", "<1%"),
                                        "queries",
                                                Map.of(
                                                        "error_rate",
                                                        "mine{app=\"{application}\"}"))),
                        templates);
        assertThat(own.queries().get("error_rate")).isEqualTo("mine{app=\"checkout\"}");
        assertThatThrownBy(
                        () ->
                                PhaseAnalyses.spec(
                                        phase(
                                                "checkout",
                                                "staging",
                                                Map.of(
                                                        "successCriteria",
                                                        Map.of("response_time", "<500ms"))),
                                        templates))
                .hasMessage(
                        "no query for metric response_time (configure stride.verifier.query.response_time)");
        assertThatThrownBy(
                        () ->
                                PhaseAnalyses.spec(
                                        phase(
                                                "checkout",
                                                "staging",
                                                Map.of(
                                                        "rollbackTriggers",
                                                        List.of(
                                                                Map.of(
                                                                        "metric",
                                                                        "error_rate",
                                                                        "threshold",
                                                                        "5%",
                                                                        "action",
                                                                        "panic")))),
                                        templates))
                .hasMessage(
                        "rollbackTriggers[0].action must be automatic_rollback, pause or alert");
    }

    @Test
    void eachPlatformsTargetGivesItsNamesToTheTemplates() {
        String template =
                "q{ns=\"{namespace}\",deployment=\"{deployment}\",backend=\"{backend}\","
                        + "region=\"{region}\",listener=\"{listenerArn}\",rule=\"{ruleArn}\",cluster=\"{cluster}\","
                        + "service=\"{service}\",container=\"{container}\"}";
        Map<String, Object> own =
                Map.of(
                        "successCriteria",
                        Map.of("error_rate", "<1%"),
                        "queries",
                        Map.of("error_rate", template));

        assertThat(rendered(own, new KubernetesTarget("shop", "checkout", "checkout-svc", null)))
                .isEqualTo(
                        "q{ns=\"shop\",deployment=\"checkout\",backend=\"{backend}\",region=\"{region}\","
                                + "listener=\"{listenerArn}\",rule=\"{ruleArn}\",cluster=\"{cluster}\","
                                + "service=\"{service}\",container=\"{container}\"}");
        assertThat(
                        rendered(
                                own,
                                new AwsAlbTarget(
                                        "eu-west-1",
                                        "arn:aws:elasticloadbalancing:eu-west-1:1:listener/a",
                                        null,
                                        "arn:aws:iam::1:role/deployer")))
                .isEqualTo(
                        "q{ns=\"{namespace}\",deployment=\"{deployment}\",backend=\"{backend}\",region=\"eu-west-1\","
                                + "listener=\"arn:aws:elasticloadbalancing:eu-west-1:1:listener/a\",rule=\"{ruleArn}\","
                                + "cluster=\"{cluster}\",service=\"{service}\",container=\"{container}\"}");
        assertThat(rendered(own, new AwsEcsTarget("us-east-1", "prod", "checkout", "web", null)))
                .isEqualTo(
                        "q{ns=\"{namespace}\",deployment=\"{deployment}\",backend=\"{backend}\",region=\"us-east-1\","
                                + "listener=\"{listenerArn}\",rule=\"{ruleArn}\",cluster=\"prod\",service=\"checkout\","
                                + "container=\"web\"}");
    }

    @Test
    void aHealthSuccessRateWithoutAQueryIsProbedOnTheReleasesRenderedHealthUrl() {
        MetricTemplates probing =
                templates(
                        Map.of(
                                "stride.verifier.application.checkout.probe.url",
                                "http://{deployment}-{track}.{namespace}.svc:8080/health?v={version}",
                                "stride.verifier.application.checkout.probe.count",
                                "3",
                                "stride.verifier.application.checkout.probe.timeout",
                                "500ms"));
        AnalysisSpec spec =
                PhaseAnalyses.spec(
                        phase(
                                "checkout",
                                "staging",
                                Map.of(
                                        "successCriteria",
                                        Map.of(
                                                "error_rate",
                                                "<1%",
                                                "health_check_success_rate",
                                                ">=99%")),
                                new KubernetesTarget("shop", "checkout", "checkout-svc", null)),
                        probing);
        assertThat(spec.probe())
                .isEqualTo(
                        new HealthProbe(
                                "http://checkout-canary.shop.svc:8080/health?v=2.4.0",
                                3,
                                Duration.ofMillis(500)));
        assertThat(spec.probed("health_check_success_rate")).isTrue();
        assertThat(spec.probed("error_rate")).isFalse();
        assertThat(spec.queries()).containsOnlyKeys("error_rate");

        // A configured query wins over probing; without either the phase cannot be analysed.
        AnalysisSpec queried =
                PhaseAnalyses.spec(
                        phase(
                                "cart",
                                "staging",
                                Map.of(
                                        "successCriteria",
                                        Map.of("health_check_success_rate", ">=99%"))),
                        templates(
                                Map.of(
                                        "stride.verifier.probe.url", "http://h/health",
                                        "stride.verifier.query.health_check_success_rate",
                                                "hc{{selector}}")));
        assertThat(queried.probe()).isNull();
        assertThat(queried.queries())
                .containsExactly(Map.entry("health_check_success_rate", "hc{version=\"2.4.0\"}"));
        assertThatThrownBy(
                        () ->
                                PhaseAnalyses.spec(
                                        phase(
                                                "cart",
                                                "staging",
                                                Map.of(
                                                        "successCriteria",
                                                        Map.of(
                                                                "health_check_success_rate",
                                                                ">=99%"))),
                                        templates))
                .hasMessage(
                        "no query for metric health_check_success_rate (configure"
                                + " stride.verifier.query.health_check_success_rate, or"
                                + " stride.verifier.probe.url for the verifier to probe the release's"
                                + " health endpoint)");
    }

    @Test
    void aProbeUrlThatCannotBeAskedOrProbeSettingsOutOfRangeAreNamed() {
        Map<String, Object> health =
                Map.of("successCriteria", Map.of("health_check_success_rate", ">=99%"));
        assertThatThrownBy(
                        () ->
                                PhaseAnalyses.spec(
                                        phase("cart", "staging", health),
                                        templates(
                                                Map.of(
                                                        "stride.verifier.probe.url",
                                                        "file:///etc/passwd"))))
                .hasMessage(
                        "stride.verifier probe.url must render to an http(s) URL with a host, is file:///etc/passwd");
        assertThatThrownBy(
                        () ->
                                PhaseAnalyses.spec(
                                        phase("cart", "staging", health),
                                        templates(
                                                Map.of(
                                                        "stride.verifier.probe.url",
                                                        "ftp://u:secret@h/health?token=abc"))))
                .as("the message masks the URL's credentials")
                .hasMessage(
                        "stride.verifier probe.url must render to an http(s) URL with a host, is"
                                + " ftp://***@h/health?token=***");
        // A value goes in percent-encoded: it cannot add a path segment or a host.
        HaproxyTarget slashed =
                new HaproxyTarget(null, "127.0.0.1:9999", "a/b", "stable", "canary");
        assertThat(
                        PhaseAnalyses.spec(
                                        phase("cart", "staging", health, slashed),
                                        templates(
                                                Map.of(
                                                        "stride.verifier.probe.url",
                                                        "http://h/{backend}/health")))
                                .probe()
                                .url())
                .isEqualTo("http://h/a%2Fb/health");
        assertThatThrownBy(
                        () ->
                                PhaseAnalyses.spec(
                                        phase("cart", "staging", health),
                                        templates(
                                                Map.of(
                                                        "stride.verifier.probe.url",
                                                                "http://h/health",
                                                        "stride.verifier.probe.count", "0"))))
                .hasMessage("stride.verifier probe.count must be 1 to 20, is 0");
        assertThatThrownBy(
                        () ->
                                PhaseAnalyses.spec(
                                        phase("cart", "staging", health),
                                        templates(
                                                Map.of(
                                                        "stride.verifier.probe.url",
                                                                "http://h/health",
                                                        "stride.verifier.probe.timeout", "11s"))))
                .hasMessage(
                        "stride.verifier probe.timeout must be longer than 0 and at most"
                                + " stride.verifier.checks.timeout (PT10S), is PT11S");
    }

    private static MetricTemplates templates(Map<String, String> extra) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("stride.verifier.selector", "version=\"{version}\"");
        values.put("stride.verifier.query.error_rate", "err{{selector}}[{window}]");
        values.putAll(extra);
        return new MetricTemplates(new SmallRyeConfigBuilder().withDefaultValues(values).build());
    }

    private String rendered(Map<String, Object> own, Target target) {
        return PhaseAnalyses.spec(phase("checkout", "staging", own, target), templates)
                .queries()
                .get("error_rate");
    }

    private static PhaseRequested phase(
            String application, String environment, Map<String, Object> own) {
        return phase(
                application,
                environment,
                own,
                new HaproxyTarget(null, "127.0.0.1:9999", "app", "stable", "canary"));
    }

    private static PhaseRequested phase(
            String application, String environment, Map<String, Object> own, Target target) {
        Map<String, Object> parameters = new LinkedHashMap<>(own);
        parameters.put("weight", 5);
        parameters.put("application", application);
        parameters.put("environment", environment);
        parameters.put("version", "2.4.0");
        return new PhaseRequested(UUID.randomUUID(), 1, 1, PhaseType.TRAFFIC, target, parameters);
    }
}
