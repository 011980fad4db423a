package dev.stride.planner.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * FIELDS.md lists every field of a deployment request (the {@code data} of DeploymentRequested), what enforces it and
 * the test that proves it. This test keeps the table complete: a field the request schema gains without a row fails
 * it, and so does a row for a field the schema no longer has, or a row naming a test that does not exist.
 *
 * <p>Paths follow the table's convention: properties joined with {@code .}, an array's items as {@code []}, the
 * entries of a map (an object with {@code additionalProperties}) as {@code {name}}. Every property is a path,
 * objects and arrays included. The walk follows {@code $ref} (into common.schema.json and local {@code $defs}) and
 * takes the properties of every {@code allOf}, {@code anyOf} and {@code oneOf} branch and of every {@code then} and
 * {@code else} (a platform's or a strategy's fields); an {@code if} only tells the branches apart.
 */
class FieldTableTest {

    private static final String SCHEMA = "deployment-requested.schema.json";
    private static final Path TABLE = Path.of("FIELDS.md");
    private static final Path TEST_SOURCES = Path.of("src", "test", "java");
    private static final String HEADER = "| field | enforced by | proved by |";
    private static final String NONE = "none";
    private static final Pattern FIELD = Pattern.compile("`([^`]+)`");
    private static final Pattern TEST =
            Pattern.compile("`(?:([a-z][a-z0-9-]*)/)?([A-Z]\\w*)#(\\w+)`");
    private static final Pattern TESTS =
            Pattern.compile(TEST.pattern() + "(, " + TEST.pattern() + ")*");
    private static final Set<String> TEST_ANNOTATIONS =
            Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate");

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, JsonNode> documents = new HashMap<>();

    /** A table row: the field's path, what enforces it, the tests that prove it. */
    record Row(String field, String enforcedBy, String provedBy) {}

    @Test
    void theTableListsEveryFieldOfTheRequestSchemaAndNoOther() {
        Set<String> schema = schemaPaths();
        List<Row> rows = rows();
        Set<String> listed = new TreeSet<>();
        List<String> twice = new ArrayList<>();
        for (Row row : rows) {
            if (!listed.add(row.field())) {
                twice.add(row.field());
            }
        }
        Set<String> missing = new TreeSet<>(schema);
        missing.removeAll(listed);
        Set<String> stale = new TreeSet<>(listed);
        stale.removeAll(schema);

        assertThat(schema).as("the schema walk").hasSizeGreaterThan(50).contains("target.platform");
        assertThat(missing)
                .as("the request schema has fields FIELDS.md does not list: %s", missing)
                .isEmpty();
        assertThat(stale)
                .as("FIELDS.md lists fields the request schema does not have: %s", stale)
                .isEmpty();
        assertThat(twice).as("FIELDS.md lists these fields twice: %s", twice).isEmpty();
        assertThat(rows)
                .filteredOn(row -> row.enforcedBy().isBlank())
                .extracting(Row::field)
                .as("rows that do not say what enforces their field")
                .isEmpty();
    }

    @Test
    void everyRowNamesTestsThatExistOrSaysNone() {
        List<String> problems = new ArrayList<>();
        for (Row row : rows()) {
            String cell = row.provedBy();
            if (cell.equals(NONE)) {
                continue;
            }
            if (!TESTS.matcher(cell).matches()) {
                problems.add(
                        row.field()
                                + ": proved by must be none or `Class#method` / `module/Class#method`"
                                + " entries separated by \", \", not: "
                                + cell);
                continue;
            }
            Matcher test = TEST.matcher(cell);
            while (test.find()) {
                String problem =
                        test.group(1) == null
                                ? plannerTestProblem(test.group(2), test.group(3))
                                : moduleTestProblem(test.group(1), test.group(2), test.group(3));
                if (problem != null) {
                    problems.add(row.field() + ": " + problem);
                }
            }
        }
        assertThat(problems).as("FIELDS.md names tests that do not exist: %s", problems).isEmpty();
    }

    @Test
    void theWalkFindsFieldsBehindRefsBranchesArraysAndMaps() {
        assertThat(schemaPaths())
                .contains(
                        "deploymentId",
                        "target.socket",
                        "target.listenerArn",
                        "target.container",
                        "deployment.traffic_shifting.rollback_threshold",
                        "deployment.environments.blue.target_group",
                        "deployment.phases",
                        "deployment.phases[].success_criteria.{name}",
                        "deployment.health_check.unhealthy_threshold",
                        "rollback.triggers[].action",
                        "checks.post.feature_flags.required")
                .doesNotContain("type", "data", "deployment.phases[]");
    }

    // --- the schema ---

    /** Every dotted path of the schema's data object. */
    private Set<String> schemaPaths() {
        JsonNode data = document(SCHEMA).path("properties").path("data");
        assertThat(data.isObject()).as(SCHEMA + " has properties.data").isTrue();
        Set<String> paths = new TreeSet<>();
        walk(SCHEMA, data, "", paths, 0);
        return paths;
    }

    private void walk(
            String document, JsonNode schema, String prefix, Set<String> paths, int depth) {
        if (depth > 32) {
            throw new IllegalStateException("the schema nests deeper than 32 at " + prefix);
        }
        for (Map.Entry<JsonNode, String> branch : branches(document, schema).entrySet()) {
            JsonNode node = branch.getKey();
            String in = branch.getValue();
            node.path("properties")
                    .properties()
                    .forEach(
                            property -> {
                                String path = join(prefix, property.getKey());
                                paths.add(path);
                                walk(in, property.getValue(), path, paths, depth + 1);
                            });
            List<JsonNode> entries = new ArrayList<>();
            if (node.path("additionalProperties").isObject()) {
                entries.add(node.get("additionalProperties"));
            }
            node.path("patternProperties").elements().forEachRemaining(entries::add);
            for (JsonNode entry : entries) {
                String path = join(prefix, "{name}");
                paths.add(path);
                walk(in, entry, path, paths, depth + 1);
            }
            if (node.path("items").isObject()) {
                walk(in, node.get("items"), prefix + "[]", paths, depth + 1);
            }
        }
    }

    /**
     * The schema and every schema it is combined with, each with the document it lives in: through {@code $ref},
     * {@code allOf}, {@code anyOf}, {@code oneOf}, {@code then}, {@code else} and {@code dependentSchemas}.
     */
    private Map<JsonNode, String> branches(String document, JsonNode schema) {
        Map<JsonNode, String> found = new IdentityHashMap<>();
        collect(document, schema, found);
        return found;
    }

    private void collect(String document, JsonNode schema, Map<JsonNode, String> found) {
        if (!schema.isObject() || found.containsKey(schema)) {
            return;
        }
        found.put(schema, document);
        if (schema.path("$ref").isTextual()) {
            String ref = schema.get("$ref").asText();
            int hash = ref.indexOf('#');
            String file = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            String target = file.isEmpty() ? document : file.substring(file.lastIndexOf('/') + 1);
            JsonNode resolved = document(target).at(pointer);
            assertThat(resolved.isMissingNode()).as("$ref " + ref + " in " + document).isFalse();
            collect(target, resolved, found);
        }
        for (String combination : List.of("allOf", "anyOf", "oneOf")) {
            schema.path(combination).elements().forEachRemaining(b -> collect(document, b, found));
        }
        for (String conditional : List.of("then", "else")) {
            collect(document, schema.path(conditional), found);
        }
        schema.path("dependentSchemas")
                .elements()
                .forEachRemaining(b -> collect(document, b, found));
    }

    private JsonNode document(String name) {
        return documents.computeIfAbsent(
                name,
                n -> {
                    try (InputStream in =
                            FieldTableTest.class
                                    .getClassLoader()
                                    .getResourceAsStream("schemas/" + n)) {
                        assertThat(in).as("schemas/" + n + " on the test classpath").isNotNull();
                        return json.readTree(in);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // --- the table ---

    private static List<Row> rows() {
        List<String> lines;
        try {
            lines = Files.readAllLines(TABLE, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE.toAbsolutePath(), e);
        }
        int header = lines.indexOf(HEADER);
        assertThat(header).as(TABLE + " has a table whose header is " + HEADER).isNotNegative();
        assertThat(lines.get(header + 1)).as("the table's separator line").startsWith("|-");
        List<Row> all = new ArrayList<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells =
                    line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length())
                            .split("\\|", -1);
            assertThat(cells).as("a row of three cells: " + line).hasSize(3);
            Matcher field = FIELD.matcher(cells[0].strip());
            assertThat(field.matches()).as("a field in backticks: " + line).isTrue();
            Row row = new Row(field.group(1), cells[1].strip(), cells[2].strip());
            all.add(row);
        }
        assertThat(all).as("rows in " + TABLE).isNotEmpty();
        return Collections.unmodifiableList(all);
    }

    // --- the tests it names ---

    /** Why {@code simpleName#method} is no test of this module, or null if it is one. */
    private static String plannerTestProblem(String simpleName, String method) {
        List<Path> sources = sources(TEST_SOURCES, simpleName);
        if (sources.size() != 1) {
            return sources.size() + " files " + simpleName + ".java under " + TEST_SOURCES;
        }
        String className =
                TEST_SOURCES
                        .relativize(sources.get(0))
                        .toString()
                        .replace(".java", "")
                        .replace(java.io.File.separatorChar, '.');
        Class<?> type;
        try {
            type = Class.forName(className, false, FieldTableTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "class " + className + " is not on the test classpath";
        }
        return testMethods(type).contains(method) ? null : className + " has no test " + method;
    }

    /** The test methods of {@code type}, its superclasses and its nested classes. */
    private static Set<String> testMethods(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                for (Annotation a : m.getAnnotations()) {
                    if (TEST_ANNOTATIONS.contains(a.annotationType().getSimpleName())) {
                        names.add(m.getName());
                    }
                }
            }
            for (Class<?> nested : c.getDeclaredClasses()) {
                names.addAll(testMethods(nested));
            }
        }
        return names;
    }

    /** Why {@code module/simpleName#method} names no test in that module's sources, or null if it does. */
    private static String moduleTestProblem(String module, String simpleName, String method) {
        Path root = Path.of("..", module).resolve(TEST_SOURCES);
        if (!Files.isDirectory(root)) {
            return "no module " + module + " with tests (" + root + ")";
        }
        List<Path> sources = sources(root, simpleName);
        if (sources.isEmpty()) {
            return "no " + simpleName + ".java under " + root;
        }
        Pattern declared = Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + "\\s*\\(");
        for (Path source : sources) {
            try {
                if (declared.matcher(Files.readString(source)).find()) {
                    return null;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return module + "/" + simpleName + " has no method " + method;
    }

    private static List<Path> sources(Path root, String simpleName) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals(simpleName + ".java"))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
