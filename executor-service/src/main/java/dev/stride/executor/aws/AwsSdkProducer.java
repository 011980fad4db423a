package dev.stride.executor.aws;

import dev.stride.kit.runtime.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code stride.executor.aws.*} settings, read and checked once for every AWS client of the executor. */
@ApplicationScoped
public class AwsSdkProducer {

    @Produces
    @Singleton
    AwsSdk awsSdk(
            @ConfigProperty(name = "stride.executor.aws.endpoint-override")
                    Optional<URI> endpointOverride,
            @ConfigProperty(name = "stride.executor.aws.max-attempts", defaultValue = "3")
                    int maxAttempts,
            @ConfigProperty(name = "stride.executor.aws.connect-timeout", defaultValue = "2s")
                    Duration connectTimeout,
            @ConfigProperty(
                            name = "stride.executor.aws.api-call-attempt-timeout",
                            defaultValue = "5s")
                    Duration apiCallAttemptTimeout,
            @ConfigProperty(name = "stride.executor.aws.api-call-timeout", defaultValue = "20s")
                    Duration apiCallTimeout) {
        return new AwsSdk(
                endpointOverride,
                Settings.between("stride.executor.aws.max-attempts", maxAttempts, 1, 10),
                Settings.positive("stride.executor.aws.connect-timeout", connectTimeout),
                Settings.positive(
                        "stride.executor.aws.api-call-attempt-timeout", apiCallAttemptTimeout),
                Settings.positive("stride.executor.aws.api-call-timeout", apiCallTimeout));
    }
}
