package dev.stride.executor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The shape of the executor service, stated as ArchUnit rules over its main classes (tests excluded), so that it
 * holds without anyone policing it (issue 15). A rule that fails names the classes that break it.
 */
@AnalyzeClasses(
        packages = "dev.stride.executor",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Every JAX-RS resource of the service is in {@code api}. */
    @ArchTest
    static final ArchRule rest_resources_live_in_api =
            classes()
                    .that()
                    .areAnnotatedWith(Path.class)
                    .should()
                    .resideInAPackage("dev.stride.executor.api..")
                    .because(
                            "REST lives in api/, beside the capability packages (issue 15, one vocabulary)")
                    .allowEmptyShould(true);

    /** The service's top-level packages form no cycle, so each can be read (and moved) on its own. */
    @ArchTest
    static final ArchRule top_level_packages_free_of_cycles =
            slices().matching("dev.stride.executor.(*)..").should().beFreeOfCycles();

    /** A platform's classes are reached only from the traffic package, that is through {@code TrafficDrivers}. */
    @ArchTest
    static final ArchRule platform_drivers_used_only_inside_traffic =
            classes()
                    .that()
                    .resideInAnyPackage(
                            "dev.stride.executor.traffic.haproxy..",
                            "dev.stride.executor.traffic.kubernetes..",
                            "dev.stride.executor.traffic.aws..")
                    .should()
                    .onlyHaveDependentClassesThat()
                    .resideInAPackage("dev.stride.executor.traffic..")
                    .because("a platform is used only through the driver registry (issue 15)");

    /** One package per platform: no platform package uses another. */
    @ArchTest
    static final ArchRule platforms_do_not_depend_on_each_other =
            slices().matching("dev.stride.executor.traffic.(*)..").should().notDependOnEachOther();

    /** Every Kafka consumer ({@code @Incoming}) is in {@code messaging}. */
    @ArchTest
    static final ArchRule incoming_only_in_messaging =
            methods()
                    .that()
                    .areAnnotatedWith(Incoming.class)
                    .should()
                    .beDeclaredInClassesThat()
                    .resideInAPackage("dev.stride.executor.messaging..")
                    .because("every @Incoming lives in messaging/ (issue 15, one vocabulary)");
}
