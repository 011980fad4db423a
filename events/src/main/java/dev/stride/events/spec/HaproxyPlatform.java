package dev.stride.events.spec;

import static dev.stride.events.check.FieldChecks.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stride.events.check.FieldChecks;
import dev.stride.events.check.Formats;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of an {@link HaproxyTarget}: the runtime API through exactly one of socket and address, and a backend
 * with two different servers.
 */
final class HaproxyPlatform implements Platform {

    private static final Set<String> FIELDS =
            Set.of("platform", "socket", "address", "backend", "stableServer", "canaryServer");

    @Override
    public String name() {
        return HaproxyTarget.PLATFORM;
    }

    @Override
    public Class<HaproxyTarget> targetType() {
        return HaproxyTarget.class;
    }

    @Override
    public void checkTarget(FieldChecks checks, JsonNode target, String at) {
        checks.onlyKnownFields(target, at, FIELDS);
        Optional<String> socket =
                checks.matching(
                        target,
                        "socket",
                        at,
                        false,
                        Formats.ABSOLUTE_PATH,
                        "must be the absolute path of HAProxy's runtime API socket");
        Optional<String> address =
                checks.matching(
                        target,
                        "address",
                        at,
                        false,
                        Formats.HOST_PORT,
                        "must be host:port of HAProxy's runtime API");
        if (!target.hasNonNull("socket") && !target.hasNonNull("address")) {
            checks.add(path(at, "socket"), "is required unless target.address is given");
        } else if (socket.isPresent() && address.isPresent()) {
            checks.add(path(at, "address"), "give either socket or address, not both");
        }
        for (String name : List.of("backend", "stableServer", "canaryServer")) {
            checks.matching(target, name, at, true, Formats.NAME, Formats.NAME_RULE);
        }
        if (target.path("stableServer").equals(target.path("canaryServer"))
                && target.hasNonNull("stableServer")) {
            checks.add(path(at, "canaryServer"), "must differ from stableServer");
        }
    }

    /** HAProxy splits traffic between two servers; it cannot replace instances, so a rolling update is refused. */
    @Override
    public void checkWithDeployment(
            FieldChecks checks, JsonNode target, JsonNode deployment, String at) {
        if (RollingStrategy.NAME.equals(deployment.path("strategy").asText(null))) {
            checks.add(
                    "deployment.strategy",
                    "haproxy only splits traffic between a stable and a canary server: use canary or"
                            + " blue-green (a rolling update needs a kubernetes or aws-ecs target)");
        }
    }
}
