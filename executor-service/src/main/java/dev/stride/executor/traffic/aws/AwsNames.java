package dev.stride.executor.traffic.aws;

/** Short, readable names for AWS resources in messages. */
final class AwsNames {

    private AwsNames() {}

    /**
     * The resource part of an ARN ({@code targetgroup/app-blue-tg/73e2d6bc24d8a067} from
     * {@code arn:aws:elasticloadbalancing:...:targetgroup/app-blue-tg/73e2d6bc24d8a067}); anything else as given.
     */
    static String shortArn(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return arn;
        }
        String[] parts = arn.split(":", 6);
        return parts.length == 6 ? parts[5] : arn;
    }

    /** A target group's name from its ARN ({@code app-blue-tg}). */
    static String targetGroupName(String arn) {
        String resource = shortArn(arn);
        if (resource != null && resource.startsWith("targetgroup/")) {
            String[] parts = resource.split("/");
            return parts.length > 1 ? parts[1] : resource;
        }
        return resource;
    }
}
