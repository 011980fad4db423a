package dev.stride.executor.traffic.aws;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The fake AWS for {@code @QuarkusTest}s: the executor's AWS clients are pointed at it with
 * {@code stride.executor.aws.endpoint-override}; credentials are the static test ones the surefire configuration
 * sets as {@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties (the SDK's default chain).
 */
public class FakeAwsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile FakeAws aws;

    public static FakeAws aws() {
        return aws;
    }

    @Override
    public Map<String, String> start() {
        aws = new FakeAws();
        return Map.of(
                "stride.executor.aws.endpoint-override", aws.endpoint().toString(),
                "stride.executor.aws.max-attempts", "1",
                "stride.executor.aws.scale-down-delay", "300ms",
                "stride.executor.aws.poll-interval", "50ms",
                "stride.executor.aws.progress-deadline", "20s");
    }

    @Override
    public void stop() {
        if (aws != null) {
            aws.close();
        }
    }
}
