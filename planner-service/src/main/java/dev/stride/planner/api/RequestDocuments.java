package dev.stride.planner.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stride.events.EventCodec;
import dev.stride.kit.problem.Problem;
import dev.stride.kit.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns a request body into a JSON tree, in JSON or YAML, within limits: size, nesting depth, YAML aliases
 * (no "billion laughs"), duplicate keys. What it cannot read is a 400, 413 or 415 problem, never a 500.
 */
@ApplicationScoped
public class RequestDocuments {

    static final Set<String> JSON_TYPES = Set.of("application/json");
    static final Set<String> YAML_TYPES =
            Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");
    static final int MAX_DEPTH = 32;
    // A second line of defence: aliases are refused before loading (see refuseAnchorsAndAliases).
    static final int MAX_ALIASES = 0;

    private final int maxBytes;
    private final ObjectMapper json;

    public RequestDocuments(
            @ConfigProperty(name = "stride.intake.max-body-bytes", defaultValue = "262144")
                    int maxBytes) {
        this.maxBytes = maxBytes;
        JsonFactory factory =
                JsonFactory.builder()
                        .streamReadConstraints(
                                StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                        .enable(
                                com.fasterxml.jackson.core.StreamReadFeature
                                        .STRICT_DUPLICATE_DETECTION)
                        .build();
        this.json =
                EventCodec.newMapper()
                        .copyWith(factory)
                        .enable(
                                com.fasterxml.jackson.databind.DeserializationFeature
                                        .FAIL_ON_TRAILING_TOKENS);
    }

    public JsonNode read(String contentType, byte[] body) {
        String mediaType = mediaType(contentType);
        boolean isJson = JSON_TYPES.contains(mediaType) || mediaType.endsWith("+json");
        boolean isYaml = YAML_TYPES.contains(mediaType);
        if (!isJson && !isYaml) {
            throw new ProblemException(
                    Problem.of(
                            415,
                            "Unsupported Media Type",
                            (mediaType.isEmpty()
                                            ? "a Content-Type header is required"
                                            : "Content-Type " + mediaType + " is not accepted")
                                    + "; send application/json or application/yaml"));
        }
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("(body)", "is empty; send the deployment document");
        }
        if (body.length > maxBytes) {
            throw new ProblemException(
                    Problem.of(
                            413,
                            "Content Too Large",
                            "the body has "
                                    + body.length
                                    + " bytes; at most "
                                    + maxBytes
                                    + " are accepted"));
        }
        String text = utf8(body);
        return isJson ? readJson(text) : readYaml(text);
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where =
                    location == null
                            ? ""
                            : " (line "
                                    + location.getLineNr()
                                    + ", column "
                                    + location.getColumnNr()
                                    + ")";
            throw ProblemException.badRequest(
                    "(body)", "is not valid JSON: " + e.getOriginalMessage() + where);
        }
    }

    private JsonNode readYaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setAllowDuplicateKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(maxBytes);
        // Timestamps stay strings: the validator parses them, and YAML's Date would lose the
        // offset.
        Yaml yaml =
                new Yaml(
                        new SafeConstructor(options),
                        new Representer(new DumperOptions()),
                        new DumperOptions(),
                        options,
                        new StringOnlyTimestampsResolver());
        try {
            refuseAnchorsAndAliases(yaml, text);
            // The tree is built from the loaded graph; without aliases it is no larger than the
            // text.
            return json.valueToTree(yaml.load(text));
        } catch (ProblemException e) {
            throw e;
        } catch (MarkedYAMLException e) {
            String where =
                    e.getProblemMark() == null
                            ? ""
                            : " (line "
                                    + (e.getProblemMark().getLine() + 1)
                                    + ", column "
                                    + (e.getProblemMark().getColumn() + 1)
                                    + ")";
            throw ProblemException.badRequest(
                    "(body)", "is not valid YAML: " + e.getProblem() + where);
        } catch (YAMLException e) {
            throw ProblemException.badRequest(
                    "(body)", "is not acceptable YAML: " + e.getMessage());
        } catch (RuntimeException e) {
            // Explicit tags whose value does not fit (!!int abc, !!str [1], !!binary %%) fail while
            // constructing.
            throw ProblemException.badRequest(
                    "(body)", "holds a YAML value that cannot be read as its tag says");
        } catch (StackOverflowError e) {
            throw ProblemException.badRequest("(body)", "is nested too deeply");
        }
    }

    // Aliases let a few hundred bytes stand for megabytes once the graph is copied into a tree (and
    // a
    // recursive one for an endless tree). The runbook's documents use none, so none are accepted.
    private static void refuseAnchorsAndAliases(Yaml yaml, String text) {
        for (Event event : yaml.parse(new StringReader(text))) {
            boolean anchored = event instanceof NodeEvent node && node.getAnchor() != null;
            if (anchored || event instanceof AliasEvent) {
                throw ProblemException.badRequest(
                        "(body)",
                        "uses YAML anchors or aliases (line "
                                + (event.getStartMark().getLine() + 1)
                                + "), which are not accepted; write the values out");
            }
        }
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ProblemException.badRequest("(body)", "is not UTF-8 text");
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    /** YAML 1.1's implicit types, less timestamps. */
    private static final class StringOnlyTimestampsResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.INT, INT, "-+0123456789");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.FLOAT, FLOAT, "-+0123456789.");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.MERGE, MERGE, "<");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, EMPTY, null);
        }
    }
}
