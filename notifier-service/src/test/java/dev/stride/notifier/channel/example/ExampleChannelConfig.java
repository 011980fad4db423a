package dev.stride.notifier.channel.example;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Configures one example channel, {@value #CHANNEL}, and a route to it for application {@value #APPLICATION} only, so
 * the other tests' events never reach it (like every {@code @QuarkusTestResource} in this module it applies to the
 * whole test run, which therefore shares one application).
 */
public class ExampleChannelConfig implements QuarkusTestResourceLifecycleManager {

    static final String CHANNEL = "example-inbox";
    static final String ROUTE = "example";
    static final String APPLICATION = "example-app";

    @Override
    public Map<String, String> start() {
        // Upper case on purpose: a type is matched as the enum it replaced was, whatever its case.
        return Map.of(
                "stride.notifier.channels." + CHANNEL + ".type",
                "EXAMPLE",
                "stride.notifier.routes." + ROUTE + ".application",
                APPLICATION,
                "stride.notifier.routes." + ROUTE + ".channels",
                CHANNEL);
    }

    @Override
    public void stop() {}
}
