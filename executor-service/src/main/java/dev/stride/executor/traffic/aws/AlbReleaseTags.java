package dev.stride.executor.traffic.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a blue-green release on an ALB route is, kept in tags on the rule (or listener) before the first write so
 * that every later phase, a rollback and a restarted executor agree on which colour is live: the release, the
 * stable (old) and the new colour with their target groups, scaling groups and sizes before the release began.
 */
record AlbReleaseTags(
        String release, Colour stable, Colour next, String scaleDownAfter, boolean finalized) {

    static final String PREFIX = "stride:";
    static final String RELEASE = PREFIX + "release";
    static final String SCALE_DOWN_AFTER = PREFIX + "scale-down-after";

    /** Set when FINALIZE activated the new colour: a later phase naming the same release is a new deployment. */
    static final String FINALIZED = PREFIX + "finalized";

    /** One colour: its name, target group ARN, scaling group (may be null) and that group's size (may be null). */
    record Colour(String name, String targetGroupArn, String autoScalingGroup, Capacity capacity) {

        String describe() {
            return name + " (" + AwsNames.targetGroupName(targetGroupArn) + ")";
        }
    }

    static final List<String> KEYS =
            List.of(
                    RELEASE,
                    SCALE_DOWN_AFTER,
                    FINALIZED,
                    PREFIX + "stable-colour",
                    PREFIX + "stable-target-group",
                    PREFIX + "stable-asg",
                    PREFIX + "stable-capacity",
                    PREFIX + "new-colour",
                    PREFIX + "new-target-group",
                    PREFIX + "new-asg",
                    PREFIX + "new-capacity");

    Map<String, String> tags() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(RELEASE, release);
        put(tags, "stable", stable);
        put(tags, "new", next);
        return tags;
    }

    /** The release the tags describe, or null when they describe none (never deployed, or rolled back). */
    static AlbReleaseTags fromTags(Map<String, String> tags) {
        String release = tags.get(RELEASE);
        Colour stable = colour(tags, "stable");
        Colour next = colour(tags, "new");
        if (release == null || stable == null || next == null) {
            return null;
        }
        return new AlbReleaseTags(
                release, stable, next, tags.get(SCALE_DOWN_AFTER), tags.containsKey(FINALIZED));
    }

    private static void put(Map<String, String> tags, String role, Colour colour) {
        tags.put(PREFIX + role + "-colour", colour.name());
        tags.put(PREFIX + role + "-target-group", colour.targetGroupArn());
        if (colour.autoScalingGroup() != null) {
            tags.put(PREFIX + role + "-asg", colour.autoScalingGroup());
            tags.put(PREFIX + role + "-capacity", colour.capacity().toString());
        }
    }

    private static Colour colour(Map<String, String> tags, String role) {
        String name = tags.get(PREFIX + role + "-colour");
        String group = tags.get(PREFIX + role + "-target-group");
        if (name == null || group == null) {
            return null;
        }
        String asg = tags.get(PREFIX + role + "-asg");
        Capacity capacity = Capacity.parse(tags.get(PREFIX + role + "-capacity"));
        return new Colour(name, group, asg == null || capacity == null ? null : asg, capacity);
    }
}
