package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** An HAProxy backend with a stable and a canary server, driven through the runtime API (socket or address). */
public record HaproxyTarget(
        String socket, String address, String backend, String stableServer, String canaryServer)
        implements Target {
    public static final String PLATFORM = "haproxy";

    @Override
    @JsonProperty("platform")
    public String platform() {
        return PLATFORM;
    }

    /** Its backend and its canary and stable servers. */
    @Override
    public Map<String, String> templateVariables() {
        return TemplateVariables.of(
                "backend", backend, "canaryServer", canaryServer, "stableServer", stableServer);
    }
}
