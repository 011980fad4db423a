package dev.stride.executor.traffic.aws;

import dev.stride.events.spec.AwsAlbTarget;
import dev.stride.events.spec.AwsEcsTarget;
import dev.stride.executor.aws.AwsSdk;
import dev.stride.executor.traffic.TrafficDriver;
import dev.stride.kit.runtime.Settings;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The AWS SDK clients and the two AWS drivers as beans. Credentials come from the SDK's default chain
 * (environment, {@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties, profile, web identity,
 * container or instance role); a target's {@code roleArn} is assumed on top of them. Nothing talks to AWS until a
 * phase for an AWS target arrives, so the executor starts without credentials.
 */
public class AwsDriverProducers {

    // Singleton: one cache of clients per region and role, no proxy needed.
    @Produces
    @Singleton
    AwsClients awsClients(AwsSdk sdk) {
        return new AwsClients(DefaultCredentialsProvider.builder().build(), sdk);
    }

    void close(@Disposes AwsClients clients) {
        clients.close();
    }

    @Produces
    @ApplicationScoped
    TrafficDriver<AwsAlbTarget> awsAlb(
            AwsClients clients,
            Vertx vertx,
            @ConfigProperty(name = "stride.executor.aws.scale-down-delay", defaultValue = "30s")
                    Duration scaleDownDelay) {
        // One-shot Vert.x timers; the blocking AWS calls run on the worker pool, not the event
        // loop.
        AlbBlueGreenDriver.Later later =
                (delay, task) ->
                        vertx.setTimer(
                                Math.max(1, delay.toMillis()),
                                id -> Infrastructure.getDefaultWorkerPool().execute(task));
        return new AlbBlueGreenDriver(clients, scaleDownDelay, later, Clock.systemUTC());
    }

    @Produces
    @ApplicationScoped
    TrafficDriver<AwsEcsTarget> awsEcs(
            AwsClients clients,
            @ConfigProperty(name = "stride.executor.aws.progress-deadline", defaultValue = "10m")
                    Duration progressDeadline,
            @ConfigProperty(name = "stride.executor.aws.poll-interval", defaultValue = "5s")
                    Duration pollInterval) {
        return new EcsServiceDriver(
                clients,
                Settings.positive("stride.executor.aws.progress-deadline", progressDeadline),
                Settings.positive("stride.executor.aws.poll-interval", pollInterval));
    }
}
