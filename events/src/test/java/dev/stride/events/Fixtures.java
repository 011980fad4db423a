package dev.stride.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The golden CloudEvents under {@code src/test/resources/fixtures}, one per event type plus variants. */
final class Fixtures {

    private Fixtures() {}

    /** {@code deployment-requested} for {@link EventType#DEPLOYMENT_REQUESTED}: the schema's file name without suffix. */
    static String schemaName(EventType type) {
        String resource = type.schemaResource();
        return resource.substring("schemas/".length(), resource.length() - ".schema.json".length());
    }

    /** A fresh, mutable copy of the fixture of {@code type}. */
    static ObjectNode of(EventType type) {
        return load(schemaName(type));
    }

    /** A fresh, mutable copy of {@code fixtures/<name>.json}. */
    static ObjectNode load(String name) {
        return (ObjectNode) read("fixtures/" + name + ".json");
    }

    static JsonNode read(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no such resource: " + resource);
            }
            return EventCodec.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode data(ObjectNode cloudEvent) {
        return (ObjectNode) cloudEvent.get("data");
    }
}
