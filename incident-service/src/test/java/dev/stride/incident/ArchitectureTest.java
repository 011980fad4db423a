package dev.stride.incident;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The shape of the incident service, stated as ArchUnit rules over its main classes (tests excluded), so that it
 * holds without anyone policing it (issue 15). A rule that fails names the classes that break it.
 */
@AnalyzeClasses(
        packages = "dev.stride.incident",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Every JAX-RS resource of the service is in {@code api}. */
    @ArchTest
    static final ArchRule rest_resources_live_in_api =
            classes()
                    .that()
                    .areAnnotatedWith(Path.class)
                    .should()
                    .resideInAPackage("dev.stride.incident.api..")
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
                    .resideInAPackage("dev.stride.incident.messaging..")
                    .because("every @Incoming lives in messaging/ (issue 15, one vocabulary)");

    /** The service's top-level packages form no cycle, so each can be read (and moved) on its own. */
    @ArchTest
    static final ArchRule top_level_packages_free_of_cycles =
            slices().matching("dev.stride.incident.(*)..").should().beFreeOfCycles();

    /** The PagerDuty client is reached only from the paging package. */
    @ArchTest
    static final ArchRule pagerduty_used_only_inside_paging =
            classes()
                    .that()
                    .resideInAPackage("dev.stride.incident.paging.pagerduty..")
                    .should()
                    .onlyHaveDependentClassesThat()
                    .resideInAPackage("dev.stride.incident.paging..")
                    .because("a paging provider is used only through the paging package");

    /** REST resources read through {@code query} and act through {@code response}; they never reach a store or the SQL client. */
    @ArchTest
    static final ArchRule rest_resources_do_not_reach_persistence =
            noClasses()
                    .that()
                    .resideInAPackage("dev.stride.incident.api..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("io.vertx.mutiny.sqlclient..")
                    .orShould()
                    .dependOnClassesThat()
                    .haveSimpleNameEndingWith("Store")
                    .because("REST resources do not reach persistence directly (issue 15)");
}
