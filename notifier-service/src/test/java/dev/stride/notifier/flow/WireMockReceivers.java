package dev.stride.notifier.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * WireMock as Slack (four incoming webhooks), Statuspage (under a base path, as a local receiver would serve it) and
 * a webhook receiver, and the notifier configured with channels and routes pointing at it.
 */
public class WireMockReceivers implements QuarkusTestResourceLifecycleManager {

    static final String TEAM = "/services/T0TEAM/B0TEAM/team-token-0123456789";
    static final String ON_CALL = "/services/T0ONCALL/B0ONCALL/oncall-token-0123456789";
    static final String FLAKY = "/services/T0FLAKY/B0FLAKY/flaky-token-0123456789";
    static final String BROKEN = "/services/T0BROKEN/B0BROKEN/broken-token-0123456789";
    static final String HOOK = "/hooks/stride";
    static final String HOOK_QUERY = "token=hook-query-secret-0123";
    static final String STATUSPAGE = "/statuspage/v1/pages/page-1/incidents";
    static final String STATUSPAGE_KEY = "sp-api-key-0123456789abcdef";

    /** 32 bytes, base64: the receiver's copy of the signing secret. */
    static final String HOOK_SECRET_BASE64 = "c3RyaWRlLXRlc3Qtc2lnbmluZy1zZWNyZXQtMzJieXQ=";

    static final String HOOK_SECRET = "whsec_" + HOOK_SECRET_BASE64;

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        stubDefaults(server);
        String base = server.baseUrl();
        Map<String, String> config = new HashMap<>();
        slack(config, "team", base + TEAM);
        slack(config, "oncall", base + ON_CALL);
        slack(config, "flaky", base + FLAKY);
        slack(config, "broken", base + BROKEN);
        config.put("stride.notifier.channels.status.type", "statuspage");
        config.put("stride.notifier.channels.status.api-base", base + "/statuspage");
        config.put("stride.notifier.channels.status.page-id", "page-1");
        config.put("stride.notifier.channels.status.api-key", STATUSPAGE_KEY);
        config.put("stride.notifier.channels.status.components", "cmp-checkout");
        config.put("stride.notifier.channels.hook.type", "webhook");
        config.put("stride.notifier.channels.hook.url", base + HOOK + "?" + HOOK_QUERY);
        config.put("stride.notifier.channels.hook.secret", HOOK_SECRET);
        config.put("stride.notifier.routes.default.channels", "team,hook");
        config.put("stride.notifier.routes.checkout-production.application", "checkout");
        config.put("stride.notifier.routes.checkout-production.environment", "production");
        config.put("stride.notifier.routes.checkout-production.channels", "team,status,hook");
        config.put("stride.notifier.routes.flaky.application", "flaky-app");
        config.put("stride.notifier.routes.flaky.channels", "flaky");
        config.put("stride.notifier.routes.broken.application", "broken-app");
        config.put("stride.notifier.routes.broken.channels", "broken,hook");
        config.put("stride.notifier.on-call.channels", "oncall");
        config.put(
                "stride.notifier.links.deployment",
                "https://stride.example/deployments/{deploymentId}");
        config.put(
                "stride.notifier.links.incident", "https://stride.example/incidents/{incidentId}");
        return config;
    }

    static void stubDefaults(WireMockServer server) {
        server.stubFor(post(urlPathMatching("/services/.*")).willReturn(ok("ok")));
        server.stubFor(post(urlPathEqualTo(HOOK)).willReturn(aResponse().withStatus(204)));
        server.stubFor(
                post(urlPathEqualTo(BROKEN))
                        .willReturn(
                                aResponse()
                                        .withStatus(500)
                                        .withBody("internal error while posting to " + BROKEN)));
        server.stubFor(
                any(urlPathMatching(STATUSPAGE + "/.*"))
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody("{}")));
    }

    private static void slack(Map<String, String> config, String name, String url) {
        config.put("stride.notifier.channels." + name + ".type", "slack");
        config.put("stride.notifier.channels." + name + ".url", url);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(
                server,
                new TestInjector.AnnotatedAndMatchesType(
                        InjectWireMock.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
