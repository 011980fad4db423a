package dev.stride.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.ClasspathSchemaLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates whole CloudEvents (envelope and data) against the event contract's JSON Schemas (draft 2020-12).
 *
 * <p>The schemas are read from the classpath ({@code schemas/}); their {@code $id}s live under
 * {@value #SCHEMA_BASE_IRI}, which is mapped to the classpath so that {@code $ref}s resolve offline. All schemas are
 * loaded once, in the constructor; after that an instance is immutable and safe to share between threads.
 */
public final class EventSchemas {

    /** The prefix of every schema's {@code $id}. */
    public static final String SCHEMA_BASE_IRI = "https://stride.dev/schemas/";

    /** The {@code $id} of the CloudEvents envelope schema. */
    public static final String ENVELOPE_SCHEMA_IRI = SCHEMA_BASE_IRI + "cloudevent.schema.json";

    private static final String CLASSPATH_BASE = "classpath:schemas/";

    private final JsonSchema envelope;
    private final Map<EventType, JsonSchema> schemas;

    public EventSchemas() {
        ClassLoader classLoader = EventSchemas.class.getClassLoader();
        JsonSchemaFactory factory =
                JsonSchemaFactory.getInstance(
                        SpecVersion.VersionFlag.V202012,
                        builder ->
                                builder.schemaMappers(
                                                mappers ->
                                                        mappers.mapPrefix(
                                                                SCHEMA_BASE_IRI, CLASSPATH_BASE))
                                        .schemaLoaders(
                                                loaders ->
                                                        loaders.add(
                                                                new ClasspathSchemaLoader(
                                                                        () -> classLoader))));
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder()
                        // format is only an annotation in 2020-12 unless switched on: we want
                        // date-time and uuid checked
                        .formatAssertionsEnabled(true)
                        .pathType(PathType.LEGACY)
                        .locale(Locale.ENGLISH)
                        .build();
        this.envelope = load(factory, config, ENVELOPE_SCHEMA_IRI);
        Map<EventType, JsonSchema> byType = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            byType.put(type, load(factory, config, schemaIri(type)));
        }
        this.schemas = Collections.unmodifiableMap(byType);
    }

    /** One shared instance: loading the schemas costs a little, validating with them is cheap. */
    public static EventSchemas shared() {
        return Holder.INSTANCE;
    }

    /** The {@code $id} of the schema of {@code type}, e.g. {@code https://stride.dev/schemas/deployment-requested.schema.json}. */
    public static String schemaIri(EventType type) {
        return SCHEMA_BASE_IRI + type.schemaResource().substring("schemas/".length());
    }

    /**
     * Validates a CloudEvent against the schema of the event type its {@code type} attribute names.
     *
     * @return one message per problem, each starting with the JSON path of the field concerned; empty if valid
     */
    public List<String> validate(JsonNode cloudEvent) {
        if (cloudEvent == null || !cloudEvent.isObject()) {
            return List.of(
                    "$: must be a JSON object (a CloudEvent), found " + nodeType(cloudEvent));
        }
        JsonNode typeAttribute = cloudEvent.get("type");
        if (typeAttribute == null || !typeAttribute.isTextual()) {
            // the envelope schema says what is wrong with type, and with anything else
            return messages(envelope, cloudEvent);
        }
        return EventType.ofType(typeAttribute.asText())
                .map(type -> validate(type, cloudEvent))
                .orElseGet(
                        () ->
                                List.of(
                                        "$.type: unknown event type '"
                                                + typeAttribute.asText()
                                                + "', expected one of "
                                                + Arrays.stream(EventType.values())
                                                        .map(EventType::type)
                                                        .collect(Collectors.joining(", "))));
    }

    /**
     * Validates a CloudEvent against the schema of {@code type}, including that its {@code type} attribute is
     * {@code type}'s and that {@code subject} equals {@code data.deploymentId}.
     *
     * @return one message per problem, each starting with the JSON path of the field concerned; empty if valid
     */
    public List<String> validate(EventType type, JsonNode cloudEvent) {
        if (cloudEvent == null || !cloudEvent.isObject()) {
            return List.of(
                    "$: must be a JSON object (a CloudEvent), found " + nodeType(cloudEvent));
        }
        List<String> messages = new ArrayList<>(messages(schemas.get(type), cloudEvent));
        JsonNode subject = cloudEvent.get("subject");
        JsonNode deploymentId = cloudEvent.path("data").get("deploymentId");
        if (subject != null
                && subject.isTextual()
                && deploymentId != null
                && deploymentId.isTextual()
                && !subject.asText().equalsIgnoreCase(deploymentId.asText())) {
            messages.add(
                    "$.subject: must equal $.data.deploymentId ("
                            + deploymentId.asText()
                            + ") but is "
                            + subject.asText());
        }
        return List.copyOf(messages);
    }

    private static JsonSchema load(
            JsonSchemaFactory factory, SchemaValidatorsConfig config, String iri) {
        JsonSchema schema = factory.getSchema(SchemaLocation.of(iri), config);
        // resolve every $ref now, so that validation never loads anything and instances can be
        // shared freely
        schema.initializeValidators();
        return schema;
    }

    private static List<String> messages(JsonSchema schema, JsonNode node) {
        Set<ValidationMessage> found = schema.validate(node);
        Set<String> messages = new LinkedHashSet<>();
        for (ValidationMessage message : found) {
            messages.add(describe(message));
        }
        return List.copyOf(messages);
    }

    /** "$.data.target.namespace: required property 'namespace' not found": the path names the field itself. */
    private static String describe(ValidationMessage message) {
        JsonNodePath location = message.getInstanceLocation();
        String text = message.getMessage();
        String prefix = location + ": ";
        if (text.startsWith(prefix)) {
            text = text.substring(prefix.length());
        }
        if (message.getProperty() != null && "required".equals(message.getType())) {
            location = location.append(message.getProperty());
        }
        return location + ": " + text;
    }

    private static String nodeType(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static final class Holder {
        private static final EventSchemas INSTANCE = new EventSchemas();
    }
}
