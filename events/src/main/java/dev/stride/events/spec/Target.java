package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Where a deployment runs: the platform, named by {@code platform}, and its references. */
@JsonPropertyOrder({"platform"})
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "platform")
@JsonSubTypes({
        @JsonSubTypes.Type(value = KubernetesTarget.class, name = KubernetesTarget.PLATFORM),
        @JsonSubTypes.Type(value = HaproxyTarget.class, name = HaproxyTarget.PLATFORM),
        @JsonSubTypes.Type(value = AwsAlbTarget.class, name = AwsAlbTarget.PLATFORM),
        @JsonSubTypes.Type(value = AwsEcsTarget.class, name = AwsEcsTarget.PLATFORM)})
public sealed interface Target permits KubernetesTarget, HaproxyTarget, AwsAlbTarget, AwsEcsTarget {

    /** {@code kubernetes}, {@code haproxy}, {@code aws-alb} or {@code aws-ecs}. */
    String platform();
}
