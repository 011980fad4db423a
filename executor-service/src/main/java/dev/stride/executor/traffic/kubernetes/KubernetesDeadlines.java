package dev.stride.executor.traffic.kubernetes;

import dev.stride.kit.runtime.Settings;
import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every call to the Kubernetes API server has a deadline of seconds, set when the executor starts (Quarkus fixes its
 * own {@code quarkus.kubernetes-client.*} timeouts at build time): {@code stride.kubernetes.connect-timeout} to
 * connect, {@code stride.kubernetes.request-timeout} for the answer. The client does not retry on its own: the
 * executor does, without holding a worker, so an API server that does not answer costs one deadline per call.
 */
@Singleton
public class KubernetesDeadlines implements KubernetesConfigCustomizer {

    private final Duration connectTimeout;
    private final Duration requestTimeout;

    public KubernetesDeadlines(
            @ConfigProperty(name = "stride.kubernetes.connect-timeout", defaultValue = "3s")
                    Duration connectTimeout,
            @ConfigProperty(name = "stride.kubernetes.request-timeout", defaultValue = "5s")
                    Duration requestTimeout) {
        this.connectTimeout =
                Settings.positive("stride.kubernetes.connect-timeout", connectTimeout);
        this.requestTimeout =
                Settings.positive("stride.kubernetes.request-timeout", requestTimeout);
    }

    @Override
    public void customize(Config config) {
        config.setConnectionTimeout(Math.toIntExact(connectTimeout.toMillis()));
        config.setRequestTimeout(Math.toIntExact(requestTimeout.toMillis()));
        config.setRequestRetryBackoffLimit(0);
    }
}
