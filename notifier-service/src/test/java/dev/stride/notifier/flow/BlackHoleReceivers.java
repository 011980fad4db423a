package dev.stride.notifier.flow;

import dev.stride.testing.BlackHole;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Two black holes on loopback ({@link BlackHole}), each the endpoint of two webhook channels whose URL paths hold a
 * secret token, and the route {@code isolation} (application {@code isolated-app}) that sends to all four and to the
 * healthy Slack channel {@code team} and webhook {@code hook} of {@link WireMockReceivers}.
 */
public class BlackHoleReceivers implements QuarkusTestResourceLifecycleManager {

    static final String SILENT_TOKEN = "silent-token-0123456789";
    static final String UNACCEPTING_TOKEN = "unaccepting-token-0123456789";
    static final String[] SILENT_CHANNELS = {"silent-a", "silent-b"};
    static final String[] UNACCEPTING_CHANNELS = {"unaccepting-a", "unaccepting-b"};

    static BlackHole silent;
    static BlackHole unaccepting;

    @Override
    public Map<String, String> start() {
        silent = BlackHole.silent();
        unaccepting = BlackHole.unaccepting();
        Map<String, String> config = new HashMap<>();
        for (String name : SILENT_CHANNELS) {
            webhook(
                    config,
                    name,
                    "http://127.0.0.1:"
                            + silent.port()
                            + "/hooks/T0SILENT/"
                            + name
                            + "/"
                            + SILENT_TOKEN);
        }
        for (String name : UNACCEPTING_CHANNELS) {
            webhook(
                    config,
                    name,
                    "http://127.0.0.1:"
                            + unaccepting.port()
                            + "/hooks/T0UNACCEPTING/"
                            + name
                            + "/"
                            + UNACCEPTING_TOKEN);
        }
        config.put("stride.notifier.routes.isolation.application", "isolated-app");
        config.put(
                "stride.notifier.routes.isolation.channels",
                "silent-a,silent-b,unaccepting-a,unaccepting-b,team,hook");
        return config;
    }

    private static void webhook(Map<String, String> config, String name, String url) {
        config.put("stride.notifier.channels." + name + ".type", "webhook");
        config.put("stride.notifier.channels." + name + ".url", url);
        config.put("stride.notifier.channels." + name + ".secret", WireMockReceivers.HOOK_SECRET);
    }

    @Override
    public void stop() {
        if (silent != null) {
            silent.close();
        }
        if (unaccepting != null) {
            unaccepting.close();
        }
    }
}
