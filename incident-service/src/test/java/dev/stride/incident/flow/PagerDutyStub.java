package dev.stride.incident.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** WireMock standing in for PagerDuty's Events API v2, answering as PagerDuty does (202, status success). */
public class PagerDutyStub implements QuarkusTestResourceLifecycleManager {

    /** The routing key the service is configured with: tests check it never leaves the request body. */
    public static final String ROUTING_KEY = "R0UT1NGKEY" + Long.toHexString(System.nanoTime());

    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        acceptAll();
        return Map.of(
                "stride.incident.pagerduty.url",
                server.baseUrl(),
                "stride.incident.pagerduty.routing-key",
                ROUTING_KEY);
    }

    static void acceptAll() {
        server.resetAll();
        server.stubFor(
                post(urlEqualTo("/v2/enqueue"))
                        .willReturn(
                                aResponse()
                                        .withStatus(202)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}")));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
