package dev.stride.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Turns event records into CloudEvents JSON and back. Unknown fields are tolerated when reading. */
public final class EventCodec {

    private static final ObjectMapper MAPPER = newMapper();

    private final Clock clock;

    public EventCodec() {
        this(Clock.systemUTC());
    }

    public EventCodec(Clock clock) {
        this.clock = clock;
    }

    /** The mapper every Stride component uses for event JSON. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);
    }

    /** Wraps event data in a new envelope with a fresh id; {@code source} names the producer, e.g. {@code /stride/planner}. */
    public CloudEvent wrap(StrideEvent data, String source) {
        return wrap(data, source, UUID.randomUUID());
    }

    public CloudEvent wrap(StrideEvent data, String source, UUID id) {
        EventType type = EventType.of(data);
        return new CloudEvent(
                CloudEvent.SPEC_VERSION,
                id.toString(),
                type.type(),
                source,
                Instant.now(clock).truncatedTo(ChronoUnit.MILLIS),
                data.deploymentId().toString(),
                CloudEvent.DATA_CONTENT_TYPE,
                MAPPER.valueToTree(data));
    }

    public String encode(CloudEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON text into a tree; throws {@link InvalidEventException} if it is not JSON. */
    public JsonNode parseTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not JSON: " + e.getOriginalMessage());
        }
    }

    public CloudEvent toEnvelope(JsonNode tree) {
        try {
            return MAPPER.treeToValue(tree, CloudEvent.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidEventException("not a CloudEvent: " + e.getMessage());
        }
    }

    /** Binds an envelope's data to the record its type names. */
    public <T extends StrideEvent> T data(CloudEvent event, Class<T> dataClass) {
        try {
            return MAPPER.treeToValue(event.data(), dataClass);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidEventException(
                    "data does not match " + dataClass.getSimpleName() + ": " + e.getMessage());
        }
    }
}
