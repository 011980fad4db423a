package dev.stride.executor.traffic;

import dev.stride.executor.traffic.haproxy.HaproxyTrafficDriver;
import dev.stride.executor.traffic.kubernetes.KubernetesDeadlines;
import dev.stride.executor.traffic.kubernetes.KubernetesTrafficDriver;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import dev.stride.kit.runtime.Settings;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The platform drivers as beans; {@link TrafficDrivers} finds each by its platform. */
public class DriverProducers {

    @Produces
    @ApplicationScoped
    TrafficDriver haproxy(
            @ConfigProperty(name = "stride.haproxy.connect-timeout", defaultValue = "2s") Duration connectTimeout,
            @ConfigProperty(name = "stride.haproxy.read-timeout", defaultValue = "5s") Duration readTimeout) {
        return new HaproxyTrafficDriver(Settings.positive("stride.haproxy.connect-timeout", connectTimeout),
                Settings.positive("stride.haproxy.read-timeout", readTimeout));
    }

    // The client only reads its configuration (kubeconfig, service account, quarkus.kubernetes-client.*) here; it
    // first talks to an API server when a phase for a kubernetes target arrives, so the executor starts without one.
    @Produces
    @ApplicationScoped
    TrafficDriver kubernetes(KubernetesClient client, KubernetesDeadlines deadlines,

            @ConfigProperty(name = "stride.kubernetes.progress-deadline", defaultValue = "10m")
            Duration progressDeadline,
            @ConfigProperty(name = "stride.kubernetes.recheck-interval", defaultValue = "2s") Duration recheckInterval) {
        // The client's deadlines are set by KubernetesDeadlines when the client is built (on its first call); the
        // bean is made here, at start, so a bad deadline stops the executor now.
        return new KubernetesTrafficDriver(client, Settings.positive("stride.kubernetes.progress-deadline",
                progressDeadline), Settings.positive("stride.kubernetes.recheck-interval", recheckInterval));
    }
}
