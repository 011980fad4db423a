package dev.stride.planner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** The deployment documents tests post: the runbook's blocks, as YAML text or as JSON trees to mutate. */
public final class Requests {

    private static final YAMLMapper YAML = new YAMLMapper();

    private Requests() {}

    public static String yaml(String name) {
        try (InputStream in = Requests.class.getResourceAsStream("/requests/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("no test request " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The named request's YAML as bytes: RestAssured sends bytes as they are, whatever the content type. */
    public static byte[] yamlBody(String name) {
        return yaml(name).getBytes(StandardCharsets.UTF_8);
    }

    /** The named request's YAML for another application (each test its own, so queues never meet). */
    public static byte[] yamlBody(String name, String application) {
        return yaml(name)
                .replaceFirst("(?m)^application: .*$", "application: " + application)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A fresh application name, so a test's deployments never queue behind another test's. */
    public static String uniqueApplication() {
        return "app-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** The named request as a JSON tree (timestamps kept as text). */
    public static ObjectNode json(String name) {
        try {
            return (ObjectNode) YAML.readTree(yaml(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the canary request changed by {@code change}, as JSON text. */
    public static String canaryWith(Consumer<ObjectNode> change) {
        ObjectNode doc = json("canary");
        change.accept(doc);
        return doc.toString();
    }

    public static ObjectNode phase(ObjectNode doc, int index) {
        return (ObjectNode) doc.path("deployment").path("phases").get(index);
    }

    public static ObjectNode trigger(ObjectNode doc, int index) {
        return (ObjectNode) doc.path("rollback").path("triggers").get(index);
    }

    public static JsonNode at(JsonNode doc, String pointer) {
        return doc.at(pointer);
    }
}
