package dev.stride.events.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import dev.stride.events.check.FieldChecks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The traffic platforms a request may name, found by name: the one place that lists them, so that the planner's
 * validation asks here instead of switching on the platform. Immutable; {@link #with} gives a registry with more
 * platforms (a test's example platform) without touching {@link #standard()}.
 */
public final class Platforms {

    private static final Platforms STANDARD =
            new Platforms(Map.of())
                    .with(
                            new KubernetesPlatform(),
                            new HaproxyPlatform(),
                            new AwsAlbPlatform(),
                            new AwsEcsPlatform());

    private final Map<String, Platform> byName;

    private Platforms(Map<String, Platform> byName) {
        this.byName = byName;
    }

    /** The platforms Stride ships: kubernetes, haproxy, aws-alb and aws-ecs. */
    public static Platforms standard() {
        return STANDARD;
    }

    /** This registry and {@code more}; a name already registered is refused. */
    public Platforms with(Platform... more) {
        Map<String, Platform> all = new LinkedHashMap<>(byName);
        for (Platform platform : more) {
            if (all.putIfAbsent(platform.name(), platform) != null) {
                throw new IllegalArgumentException(
                        "platform " + platform.name() + " is already registered");
            }
        }
        return new Platforms(Collections.unmodifiableMap(all));
    }

    /** The platform requests name {@code name}, if registered ({@code null} finds none). */
    public Optional<Platform> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    /** The registered names, in registration order. */
    public Set<String> names() {
        return byName.keySet();
    }

    /**
     * The Jackson subtypes of {@link Target} these platforms read into, for
     * {@code ObjectMapper.registerSubtypes}: the standard ones are also on {@link Target}'s annotation, a platform
     * added with {@link #with} needs this.
     */
    public NamedType[] subtypes() {
        return byName.values().stream()
                .map(p -> new NamedType(p.targetType(), p.name()))
                .toArray(NamedType[]::new);
    }

    /**
     * An AWS target's region: given ({@code region}), or taken from the ARN in field {@code arnField} ({@code
     * fromArn}, the region that ARN names); when both are there they must agree.
     */
    static void regionAgreesWithArn(
            FieldChecks checks,
            JsonNode target,
            String at,
            Optional<String> region,
            Optional<String> fromArn,
            String arnField) {
        if (target.hasNonNull("region")) {
            if (region.isPresent() && fromArn.isPresent() && !region.equals(fromArn)) {
                checks.add(
                        FieldChecks.path(at, "region"),
                        "is "
                                + region.get()
                                + " but "
                                + FieldChecks.path(at, arnField)
                                + " is in "
                                + fromArn.get());
            }
        } else if (fromArn.isEmpty() && target.hasNonNull(arnField)) {
            checks.add(
                    FieldChecks.path(at, "region"),
                    "is required: " + FieldChecks.path(at, arnField) + " names no region");
        }
    }
}
