package dev.stride.verifier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.stride.verifier.metrics.MetricProvider;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The shape of the verifier service, stated as ArchUnit rules over its main classes (tests excluded), so that it
 * holds without anyone policing it (issue 15). A rule that fails names the classes that break it.
 */
@AnalyzeClasses(
        packages = "dev.stride.verifier",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Every JAX-RS resource of the service is in {@code api}. */
    @ArchTest
    static final ArchRule rest_resources_live_in_api =
            classes()
                    .that()
                    .areAnnotatedWith(Path.class)
                    .should()
                    .resideInAPackage("dev.stride.verifier.api..")
                    .because(
                            "REST lives in api/, beside the capability packages (issue 15, one vocabulary)")
                    .allowEmptyShould(true);

    /** Every Kafka consumer ({@code @Incoming}) is in {@code messaging}. */
    @ArchTest
    static final ArchRule incoming_only_in_messaging =
            methods()
                    .that()
                    .areAnnotatedWith(Incoming.class)
                    .should()
                    .beDeclaredInClassesThat()
                    .resideInAPackage("dev.stride.verifier.messaging..")
                    .because("every @Incoming lives in messaging/ (issue 15, one vocabulary)");

    /** The service's top-level packages form no cycle, so each can be read (and moved) on its own. */
    @ArchTest
    static final ArchRule top_level_packages_free_of_cycles =
            slices().matching("dev.stride.verifier.(*)..").should().beFreeOfCycles();

    /** Metric provider implementations (Prometheus today) are reached only from the metrics package. */
    @ArchTest
    static final ArchRule metric_providers_used_only_inside_metrics =
            classes()
                    .that()
                    .implement(MetricProvider.class)
                    .should()
                    .onlyHaveDependentClassesThat()
                    .resideInAPackage("dev.stride.verifier.metrics..")
                    .because(
                            "a metric source is used only through the MetricProvider registry (issue 15)");

    /**
     * REST resources read through {@code query}; they never reach the SQL of {@code persistence} or a store, nor
     * the SQL client itself.
     */
    @ArchTest
    static final ArchRule rest_resources_do_not_reach_persistence =
            noClasses()
                    .that()
                    .resideInAPackage("dev.stride.verifier.api..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "dev.stride.verifier.persistence..", "io.vertx.mutiny.sqlclient..")
                    .orShould()
                    .dependOnClassesThat()
                    .haveSimpleNameEndingWith("Store")
                    .because("REST resources do not reach persistence directly (issue 15)");
}
