package dev.stride.executor.traffic.aws;

import static dev.stride.executor.traffic.aws.AwsErrors.call;

import dev.stride.executor.traffic.PlatformException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;

/**
 * A colour's target group and Auto Scaling group: resolving target group names, sizing the scaling group, and
 * telling whether the colour is ready for traffic (InService, Healthy instances and healthy registered targets).
 */
final class ColourGroups {

    private final ElasticLoadBalancingV2Client elb;
    private final AutoScalingClient autoScaling;

    ColourGroups(ElasticLoadBalancingV2Client elb, AutoScalingClient autoScaling) {
        this.elb = elb;
        this.autoScaling = autoScaling;
    }

    /**
     * The colours' target groups, by the {@code targetGroup} value the plan gives (a name or an ARN). Fails clearly
     * when one does not exist or when the plan names a {@code healthCheckPath} the target group does not check:
     * the health gate would then not be the one the runbook describes.
     */
    Map<String, TargetGroup> targetGroups(Map<String, String> healthCheckPaths)
            throws PlatformException {
        List<String> names = new ArrayList<>();
        List<String> arns = new ArrayList<>();
        for (String value : healthCheckPaths.keySet()) {
            (value.startsWith("arn:") ? arns : names).add(value);
        }
        Map<String, TargetGroup> found = new LinkedHashMap<>();
        if (!names.isEmpty()) {
            call(
                            "ELB DescribeTargetGroups " + names,
                            () -> elb.describeTargetGroups(r -> r.names(names)).targetGroups())
                    .forEach(g -> found.put(g.targetGroupName(), g));
        }
        if (!arns.isEmpty()) {
            call(
                            "ELB DescribeTargetGroups "
                                    + arns.stream().map(AwsNames::targetGroupName).toList(),
                            () ->
                                    elb.describeTargetGroups(r -> r.targetGroupArns(arns))
                                            .targetGroups())
                    .forEach(g -> found.put(g.targetGroupArn(), g));
        }
        for (Map.Entry<String, String> wanted : healthCheckPaths.entrySet()) {
            TargetGroup group = found.get(wanted.getKey());
            if (group == null) {
                throw new PlatformException(
                        "target group " + wanted.getKey() + " not found", false);
            }
            String path = wanted.getValue();
            if (path != null
                    && group.healthCheckPath() != null
                    && !path.equals(group.healthCheckPath())) {
                throw new PlatformException(
                        "target group "
                                + group.targetGroupName()
                                + " health-checks "
                                + group.healthCheckPath()
                                + ", the plan says "
                                + path,
                        false);
            }
        }
        return found;
    }

    Capacity capacity(String group) throws PlatformException {
        AutoScalingGroup asg = group(group);
        return new Capacity(asg.minSize(), asg.desiredCapacity(), asg.maxSize());
    }

    /** Sets the group's size unless it already has it. */
    void resize(String group, Capacity capacity) throws PlatformException {
        if (capacity.equals(capacity(group))) {
            return;
        }
        call(
                "AutoScaling UpdateAutoScalingGroup " + group,
                () ->
                        autoScaling.updateAutoScalingGroup(
                                r ->
                                        r.autoScalingGroupName(group)
                                                .minSize(capacity.min())
                                                .desiredCapacity(capacity.desired())
                                                .maxSize(capacity.max())));
    }

    /**
     * Fails (transient, so the executor tries again until the phase's deadline) unless the colour can take
     * traffic: its scaling group, if any, has its desired number of instances InService and Healthy, and its target
     * group has at least that many targets, all healthy. {@code colour} names it in the message.
     */
    void requireReady(String colour, String targetGroupArn, String group) throws PlatformException {
        int needed = 1;
        if (group != null) {
            AutoScalingGroup asg = group(group);
            needed = Math.max(1, asg.desiredCapacity());
            long inService = asg.instances().stream().filter(ColourGroups::inService).count();
            if (inService < asg.desiredCapacity()) {
                throw new PlatformException(
                        colour
                                + " ("
                                + group
                                + ") has "
                                + inService
                                + " of "
                                + asg.desiredCapacity()
                                + " instances InService and Healthy",
                        true);
            }
        }
        String name = AwsNames.targetGroupName(targetGroupArn);
        List<TargetHealthDescription> targets =
                call(
                        "ELB DescribeTargetHealth " + name,
                        () ->
                                elb.describeTargetHealth(r -> r.targetGroupArn(targetGroupArn))
                                        .targetHealthDescriptions());
        List<String> notHealthy = new ArrayList<>();
        int healthy = 0;
        for (TargetHealthDescription target : targets) {
            TargetHealthStateEnum state =
                    target.targetHealth() == null ? null : target.targetHealth().state();
            if (state == TargetHealthStateEnum.HEALTHY) {
                healthy++;
            } else if (state != TargetHealthStateEnum.DRAINING) {
                notHealthy.add(
                        target.target().id()
                                + ": "
                                + (target.targetHealth() == null
                                        ? "unknown"
                                        : target.targetHealth().stateAsString()));
            }
        }
        if (healthy < needed || !notHealthy.isEmpty()) {
            throw new PlatformException(
                    colour
                            + " target group "
                            + name
                            + " has "
                            + healthy
                            + " healthy of "
                            + needed
                            + " needed"
                            + (notHealthy.isEmpty() ? "" : " " + notHealthy),
                    true);
        }
    }

    private AutoScalingGroup group(String name) throws PlatformException {
        List<AutoScalingGroup> groups =
                call(
                        "AutoScaling DescribeAutoScalingGroups " + name,
                        () ->
                                autoScaling
                                        .describeAutoScalingGroups(
                                                r -> r.autoScalingGroupNames(name))
                                        .autoScalingGroups());
        if (groups.isEmpty()) {
            throw new PlatformException("auto scaling group " + name + " not found", false);
        }
        return groups.get(0);
    }

    private static boolean inService(Instance instance) {
        return instance.lifecycleState() == LifecycleState.IN_SERVICE
                && "Healthy".equals(instance.healthStatus());
    }
}
