package dev.stride.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What Kafka holds about one deployment: every record keyed by its id on the given Stride topics, read from the
 * beginning to the end offsets of the moment, without a consumer group (nothing is committed, no service's group is
 * touched). Two records with the same CloudEvent id are one event delivered twice (at least once, which consumers
 * de-duplicate); two ids for one thing are two events, which is what a replica acting twice would produce.
 */
final class EventLog {

    /** One record: the CloudEvent's id, type, source (the publishing service) and data. */
    record Event(String id, String type, String source, JsonNode data) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Event> events;

    private EventLog(List<Event> events) {
        this.events = events;
    }

    static EventLog read(
            String bootstrap, String deploymentId, List<String> topics, Duration timeout) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        List<Event> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            Instant deadline = Instant.now().plus(timeout);
            while (!end.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            "Kafka did not give the records up to "
                                    + end
                                    + " within "
                                    + timeout.toSeconds()
                                    + " s");
                }
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (deploymentId.equals(record.key())) {
                        found.add(event(record.value()));
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        return new EventLog(found);
    }

    private static Event event(String value) {
        try {
            JsonNode tree = JSON.readTree(value);
            return new Event(
                    tree.path("id").asText(),
                    tree.path("type").asText(),
                    tree.path("source").asText(),
                    tree.path("data"));
        } catch (IOException e) {
            return new Event("", "(unreadable)", "", JSON.nullNode());
        }
    }

    /** How many records of {@code type} (a CloudEvent type, e.g. dev.stride.rollback.requested.v1). */
    long records(String type) {
        return events.stream().filter(e -> e.type().equals(type)).count();
    }

    /** The distinct event ids of {@code type}, grouped by what {@code about} says each event is about. */
    Map<String, Set<String>> ids(String type, java.util.function.Function<Event, String> about) {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        events.stream()
                .filter(e -> e.type().equals(type))
                .forEach(
                        e ->
                                ids.computeIfAbsent(about.apply(e), k -> new LinkedHashSet<>())
                                        .add(e.id()));
        return ids;
    }

    /** The distinct event ids of {@code type}. */
    Set<String> ids(String type) {
        Set<String> ids = new LinkedHashSet<>();
        events.stream().filter(e -> e.type().equals(type)).forEach(e -> ids.add(e.id()));
        return ids;
    }

    int size() {
        return events.size();
    }
}
