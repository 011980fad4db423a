package dev.stride.events.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * Where a deployment runs: the platform, named by {@code platform}, and its references. Not sealed: a platform is
 * one record implementing this and one {@link Platform} registered in {@link Platforms} (the standard ones are also
 * listed below for Jackson); code outside a platform's package asks the target, never tests its type.
 */
@JsonPropertyOrder({"platform"})
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "platform")
@JsonSubTypes({
    @JsonSubTypes.Type(value = KubernetesTarget.class, name = KubernetesTarget.PLATFORM),
    @JsonSubTypes.Type(value = HaproxyTarget.class, name = HaproxyTarget.PLATFORM),
    @JsonSubTypes.Type(value = AwsAlbTarget.class, name = AwsAlbTarget.PLATFORM),
    @JsonSubTypes.Type(value = AwsEcsTarget.class, name = AwsEcsTarget.PLATFORM)
})
public interface Target {

    /** {@code kubernetes}, {@code haproxy}, {@code aws-alb} or {@code aws-ecs}. */
    String platform();

    /**
     * The values a metric query template may name for this target ({@code {namespace}}, {@code {backend}}, ...):
     * the target's naming fields that are set, under their field names. Not part of the event.
     */
    @JsonIgnore
    Map<String, String> templateVariables();
}
