package dev.stride.executor.traffic.kubernetes;

import dev.stride.events.spec.KubernetesTarget;
import dev.stride.executor.traffic.TrafficDriver;
import dev.stride.kit.runtime.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The Kubernetes driver as a bean, on Quarkus' client; {@code TrafficDrivers} finds it by its target. */
public class KubernetesDriverProducers {

    // The client only reads its configuration (kubeconfig, service account,
    // quarkus.kubernetes-client.*) here; it
    // first talks to an API server when a phase for a kubernetes target arrives, so the executor
    // starts without one.
    @Produces
    @ApplicationScoped
    TrafficDriver<KubernetesTarget> kubernetes(
            KubernetesClient client,
            KubernetesDeadlines deadlines,
            @ConfigProperty(name = "stride.kubernetes.progress-deadline", defaultValue = "10m")
                    Duration progressDeadline,
            @ConfigProperty(name = "stride.kubernetes.recheck-interval", defaultValue = "2s")
                    Duration recheckInterval) {
        // The client's deadlines are set by KubernetesDeadlines when the client is built (on its
        // first call); the
        // bean is made here, at start, so a bad deadline stops the executor now.
        return new KubernetesTrafficDriver(
                client,
                Settings.positive("stride.kubernetes.progress-deadline", progressDeadline),
                Settings.positive("stride.kubernetes.recheck-interval", recheckInterval));
    }
}
