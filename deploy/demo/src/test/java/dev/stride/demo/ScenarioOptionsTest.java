package dev.stride.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The options deploy/lib/demo.sh passes to {@code run} are the ones the scenario knows. An option added on one side
 * only fails the demo at its first step ("unknown option"), minutes into the end-to-end test; here it fails in
 * the unit tests.
 */
class ScenarioOptionsTest {

    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])--([a-z][a-z-]*)");

    @Test
    void everyOptionTheDemoScriptPassesIsKnownToTheScenario() throws IOException {
        String script = Files.readString(Path.of("..", "lib", "demo.sh"));
        int from = script.indexOf("local run=(");
        int to = script.indexOf("demo: both scenarios done", from);
        assertThat(from)
                .as("demo.sh builds the scenario's command line in `local run=(`")
                .isPositive();
        assertThat(to).isGreaterThan(from);
        Set<String> passed = new TreeSet<>();
        Matcher m = OPTION.matcher(script.substring(from, to));
        while (m.find()) {
            passed.add(m.group(1));
        }
        // Options of the script itself, named in its error messages, are not the scenario's.
        passed.remove("replicas");
        assertThat(passed).contains("planner", "notifier", "scenario", "midway-command");
        assertThat(Scenario.OPTIONS).containsAll(passed);
    }
}
