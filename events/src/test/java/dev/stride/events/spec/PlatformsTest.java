package dev.stride.events.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import dev.stride.events.EventCodec;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registry lists the platforms Jackson and the schema know, and each target names its template variables (and
 * only the set ones) without putting them on the wire.
 */
class PlatformsTest {

    @Test
    void theStandardPlatformsAreTargetsJacksonSubtypes() {
        Map<String, Class<?>> annotated =
                Arrays.stream(Target.class.getAnnotation(JsonSubTypes.class).value())
                        .collect(
                                Collectors.toMap(
                                        JsonSubTypes.Type::name, JsonSubTypes.Type::value));
        Map<String, Class<?>> registered =
                Arrays.stream(Platforms.standard().subtypes())
                        .collect(Collectors.toMap(NamedType::getName, NamedType::getType));

        assertThat(registered).isEqualTo(annotated);
        assertThat(Platforms.standard().names())
                .containsExactly("kubernetes", "haproxy", "aws-alb", "aws-ecs");
    }

    @Test
    void theSchemaNamesTheSamePlatforms() throws IOException {
        JsonNode common;
        try (InputStream in = getClass().getResourceAsStream("/schemas/common.schema.json")) {
            common = EventCodec.mapper().readTree(in);
        }
        Set<String> inSchema = new HashSet<>();
        common.at("/$defs/target/properties/platform/enum")
                .forEach(name -> inSchema.add(name.asText()));

        assertThat(inSchema).isEqualTo(Platforms.standard().names());
    }

    @Test
    void findsAPlatformByItsNameOnly() {
        assertThat(Platforms.standard().find("aws-ecs"))
                .get()
                .extracting(Platform::targetType)
                .isEqualTo(AwsEcsTarget.class);
        assertThat(Platforms.standard().find("nomad")).isEmpty();
        assertThat(Platforms.standard().find(null)).isEmpty();
    }

    @Test
    void aNameCannotBeRegisteredTwice() {
        Platform kubernetes = Platforms.standard().find("kubernetes").orElseThrow();

        assertThatThrownBy(() -> Platforms.standard().with(kubernetes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("platform kubernetes is already registered");
    }

    static Stream<Arguments> targets() {
        return Stream.of(
                Arguments.of(
                        new KubernetesTarget(
                                "shop", "checkout", "checkout", "checkout", "route", true),
                        Map.of("namespace", "shop", "deployment", "checkout")),
                Arguments.of(
                        new HaproxyTarget("/run/haproxy.sock", null, "app", "stable", "canary"),
                        Map.of(
                                "backend",
                                "app",
                                "canaryServer",
                                "canary",
                                "stableServer",
                                "stable")),
                Arguments.of(
                        new AwsAlbTarget(
                                "eu-west-1",
                                "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x",
                                null,
                                "arn:aws:iam::1:role/deployer"),
                        Map.of(
                                "region",
                                "eu-west-1",
                                "listenerArn",
                                "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x")),
                Arguments.of(
                        new AwsAlbTarget(
                                "eu-west-1",
                                "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x",
                                "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/x/1",
                                null),
                        Map.of(
                                "region",
                                "eu-west-1",
                                "listenerArn",
                                "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x",
                                "ruleArn",
                                "arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/x/1")),
                Arguments.of(
                        new AwsEcsTarget(
                                "us-east-1", "prod", "checkout", "web", "arn:aws:iam::1:role/d"),
                        Map.of(
                                "region",
                                "us-east-1",
                                "cluster",
                                "prod",
                                "service",
                                "checkout",
                                "container",
                                "web")),
                Arguments.of(
                        new AwsEcsTarget("us-east-1", "prod", "checkout", null, null),
                        Map.of("region", "us-east-1", "cluster", "prod", "service", "checkout")));
    }

    @ParameterizedTest
    @MethodSource("targets")
    void eachTargetNamesItsSetFieldsAsTemplateVariables(
            Target target, Map<String, String> variables) {
        assertThat(target.templateVariables()).isEqualTo(variables);
    }

    @ParameterizedTest
    @MethodSource("targets")
    void templateVariablesAreNotPartOfTheEvent(Target target, Map<String, String> variables)
            throws IOException {
        JsonNode wire = EventCodec.mapper().valueToTree(target);

        assertThat(wire.has("templateVariables")).isFalse();
        assertThat(EventCodec.mapper().treeToValue(wire, Target.class)).isEqualTo(target);
    }
}
