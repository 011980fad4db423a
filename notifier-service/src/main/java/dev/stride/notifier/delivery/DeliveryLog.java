package dev.stride.notifier.delivery;

import dev.stride.notifier.channel.Channels;
import dev.stride.notifier.notice.Notice;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * The delivery log as the REST API sees it: a deployment's rows to read, with every text masked, and a test
 * notification's rows to add. The API reaches the log only through here, never the store or SQL itself.
 */
@ApplicationScoped
public class DeliveryLog {

    private final DeliveryStore store;
    private final DeliverySender sender;
    private final Channels channels;
    private final Pool pool;

    public DeliveryLog(DeliveryStore store, DeliverySender sender, Channels channels, Pool pool) {
        this.store = store;
        this.sender = sender;
        this.channels = channels;
        this.pool = pool;
    }

    /**
     * One deployment's (or one test notification's) deliveries, oldest first. Stored texts are masked already;
     * masking again guards against a secret configured since.
     */
    public Uni<List<DeliveryView>> of(UUID deploymentId) {
        return store.forDeployment(deploymentId)
                .map(
                        items ->
                                items.stream()
                                        .map(
                                                v ->
                                                        new DeliveryView(
                                                                v.id(),
                                                                v.eventId(),
                                                                v.eventType(),
                                                                v.channel(),
                                                                v.route(),
                                                                v.kind(),
                                                                v.status(),
                                                                v.attempts(),
                                                                channels.secrets()
                                                                        .mask(v.lastError()),
                                                                channels.secrets().mask(v.detail()),
                                                                v.createdAt(),
                                                                v.nextAttemptAt(),
                                                                v.finishedAt()))
                                        .toList());
    }

    /**
     * Queues a test notification: one PENDING row per channel in {@code channelNames}, all in one transaction,
     * then wakes their senders. {@code payload} is the test event as its rows keep it.
     */
    public Uni<Void> queueTest(
            UUID eventId,
            String eventType,
            UUID testId,
            String route,
            Notice notice,
            String payload,
            List<String> channelNames) {
        if (channelNames.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(
                        tx ->
                                Multi.createFrom()
                                        .iterable(channelNames)
                                        .onItem()
                                        .transformToUniAndConcatenate(
                                                name ->
                                                        store.record(
                                                                tx, eventId, eventType, testId,
                                                                name, route, notice, payload))
                                        .collect()
                                        .last())
                .invoke(() -> sender.wake(channelNames))
                .replaceWithVoid();
    }
}
