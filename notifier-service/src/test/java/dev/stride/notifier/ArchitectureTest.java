package dev.stride.notifier;

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
 * The shape of the notifier service, stated as ArchUnit rules over its main classes (tests excluded), so that it
 * holds without anyone policing it (issue 15). A rule that fails names the classes that break it.
 */
@AnalyzeClasses(
        packages = "dev.stride.notifier",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Every JAX-RS resource of the service is in {@code api}. */
    @ArchTest
    static final ArchRule rest_resources_live_in_api =
            classes()
                    .that()
                    .areAnnotatedWith(Path.class)
                    .should()
                    .resideInAPackage("dev.stride.notifier.api..")
                    .because(
                            "REST lives in api/, beside the capability packages (issue 15, one vocabulary)")
                    .allowEmptyShould(true);

    /** A channel's classes (Slack, Statuspage, webhooks) are reached only from the channel package. */
    @ArchTest
    static final ArchRule channel_implementations_used_only_inside_channel =
            classes()
                    .that()
                    .resideInAnyPackage(
                            "dev.stride.notifier.channel.slack..",
                            "dev.stride.notifier.channel.statuspage..",
                            "dev.stride.notifier.channel.webhook..")
                    .should()
                    .onlyHaveDependentClassesThat()
                    .resideInAPackage("dev.stride.notifier.channel..")
                    .because(
                            "a channel is used only through NotificationChannel and Channels (issue 15)");

    /** One package per channel: no channel package uses another. */
    @ArchTest
    static final ArchRule channels_do_not_depend_on_each_other =
            slices().matching("dev.stride.notifier.channel.(*)..").should().notDependOnEachOther();

    /** The service's top-level packages form no cycle, so each can be read (and moved) on its own. */
    @ArchTest
    static final ArchRule top_level_packages_free_of_cycles =
            slices().matching("dev.stride.notifier.(*)..").should().beFreeOfCycles();

    /** Every Kafka consumer ({@code @Incoming}) is in {@code messaging}. */
    @ArchTest
    static final ArchRule incoming_only_in_messaging =
            methods()
                    .that()
                    .areAnnotatedWith(Incoming.class)
                    .should()
                    .beDeclaredInClassesThat()
                    .resideInAPackage("dev.stride.notifier.messaging..")
                    .because("every @Incoming lives in messaging/ (issue 15, one vocabulary)");

    /** REST resources read and queue through {@code DeliveryLog}; they never reach a store or the SQL client. */
    @ArchTest
    static final ArchRule rest_resources_do_not_reach_persistence =
            noClasses()
                    .that()
                    .resideInAPackage("dev.stride.notifier.api..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("io.vertx.mutiny.sqlclient..")
                    .orShould()
                    .dependOnClassesThat()
                    .haveSimpleNameEndingWith("Store")
                    .because("REST resources do not reach persistence directly (issue 15)");
}
