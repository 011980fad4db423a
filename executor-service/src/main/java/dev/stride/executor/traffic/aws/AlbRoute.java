package dev.stride.executor.traffic.aws;

import static dev.stride.executor.traffic.aws.AwsErrors.call;

import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.executor.traffic.PlatformException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ForwardActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TagDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupTuple;

/**
 * The listener rule (or, without one, the listener's default action) that forwards to the blue and green target
 * groups: its forward action's weights, read with DescribeRules / DescribeListeners and written with ModifyRule /
 * ModifyListener, and its tags, where the driver keeps what a restarted executor needs to know about a release.
 */
final class AlbRoute {

    private final ElasticLoadBalancingV2Client elb;
    private final String arn;
    private final boolean rule;

    AlbRoute(ElasticLoadBalancingV2Client elb, AwsAlbTarget target) throws PlatformException {
        this.elb = elb;
        this.rule = target.ruleArn() != null && !target.ruleArn().isBlank();
        this.arn = rule ? target.ruleArn().strip() : target.listenerArn();
        if (arn == null || !arn.startsWith("arn:")) {
            throw new PlatformException(
                    "an aws-alb target needs a listenerArn or a ruleArn", false);
        }
    }

    String arn() {
        return arn;
    }

    String describe() {
        return rule
                ? "listener rule " + AwsNames.shortArn(arn)
                : "listener " + AwsNames.shortArn(arn);
    }

    /** The target group weights the forward action holds now, by target group ARN, in the action's order. */
    Map<String, Integer> weights() throws PlatformException {
        return weights(forward(actions()));
    }

    /**
     * Writes {@code weights} (by target group ARN) into the forward action, keeping every other action and the
     * forward action's stickiness as they are; a no-op when the platform already holds exactly these weights.
     */
    void setWeights(Map<String, Integer> weights) throws PlatformException {
        List<Action> actions = actions();
        Action forward = forward(actions);
        if (weights(forward).equals(weights)) {
            return;
        }
        List<TargetGroupTuple> groups = new ArrayList<>();
        weights.forEach(
                (group, weight) ->
                        groups.add(
                                TargetGroupTuple.builder()
                                        .targetGroupArn(group)
                                        .weight(weight)
                                        .build()));
        ForwardActionConfig.Builder config = ForwardActionConfig.builder().targetGroups(groups);
        if (forward.forwardConfig() != null
                && forward.forwardConfig().targetGroupStickinessConfig() != null) {
            config.targetGroupStickinessConfig(
                    forward.forwardConfig().targetGroupStickinessConfig());
        }
        Action updated =
                forward.toBuilder().targetGroupArn(null).forwardConfig(config.build()).build();
        List<Action> written = new ArrayList<>();
        for (Action action : actions) {
            written.add(action == forward ? updated : action);
        }
        if (rule) {
            call(
                    "ELB ModifyRule on " + describe(),
                    () -> elb.modifyRule(r -> r.ruleArn(arn).actions(written)));
        } else {
            call(
                    "ELB ModifyListener on " + describe(),
                    () -> elb.modifyListener(r -> r.listenerArn(arn).defaultActions(written)));
        }
    }

    /** The route's tags whose key starts with {@code prefix}. */
    Map<String, String> tags(String prefix) throws PlatformException {
        List<TagDescription> descriptions =
                call(
                        "ELB DescribeTags on " + describe(),
                        () -> elb.describeTags(r -> r.resourceArns(arn)).tagDescriptions());
        Map<String, String> tags = new LinkedHashMap<>();
        for (TagDescription description : descriptions) {
            for (Tag tag : description.tags()) {
                if (tag.key().startsWith(prefix)) {
                    tags.put(tag.key(), tag.value());
                }
            }
        }
        return tags;
    }

    void addTags(Map<String, String> tags) throws PlatformException {
        List<Tag> written =
                tags.entrySet().stream()
                        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                        .toList();
        call(
                "ELB AddTags on " + describe(),
                () -> elb.addTags(r -> r.resourceArns(arn).tags(written)));
    }

    void removeTags(List<String> keys) throws PlatformException {
        if (!keys.isEmpty()) {
            call(
                    "ELB RemoveTags on " + describe(),
                    () -> elb.removeTags(r -> r.resourceArns(arn).tagKeys(keys)));
        }
    }

    private List<Action> actions() throws PlatformException {
        if (rule) {
            List<Rule> rules =
                    call(
                            "ELB DescribeRules on " + describe(),
                            () -> elb.describeRules(r -> r.ruleArns(arn)).rules());
            if (rules.isEmpty()) {
                throw new PlatformException(describe() + " not found", false);
            }
            return rules.get(0).actions();
        }
        List<Listener> listeners =
                call(
                        "ELB DescribeListeners on " + describe(),
                        () -> elb.describeListeners(r -> r.listenerArns(arn)).listeners());
        if (listeners.isEmpty()) {
            throw new PlatformException(describe() + " not found", false);
        }
        return listeners.get(0).defaultActions();
    }

    private Action forward(List<Action> actions) throws PlatformException {
        return actions.stream()
                .filter(a -> a.type() == ActionTypeEnum.FORWARD)
                .findFirst()
                .orElseThrow(
                        () ->
                                new PlatformException(
                                        describe() + " has no forward action to weight", false));
    }

    private static Map<String, Integer> weights(Action forward) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        if (forward.forwardConfig() != null && !forward.forwardConfig().targetGroups().isEmpty()) {
            for (TargetGroupTuple group : forward.forwardConfig().targetGroups()) {
                // A group listed without a weight gets AWS's default weight of 1.
                weights.put(group.targetGroupArn(), group.weight() == null ? 1 : group.weight());
            }
        } else if (forward.targetGroupArn() != null) {
            weights.put(forward.targetGroupArn(), 1);
        }
        return weights;
    }
}
