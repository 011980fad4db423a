package dev.stride.notifier.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.Severity;
import dev.stride.notifier.config.NotifierConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutesTest {

    private final Routes routes =
            new Routes(
                    Map.of(
                            "default", route(null, null, "team", "audit"),
                            "production",
                                    route(null, "production", "announcements", "status", "audit"),
                            "checkout", route("checkout", null, "checkout-team"),
                            "checkout-production",
                                    route("checkout", "production", "checkout-team", "status")),
                    List.of("on-call-slack"));

    @Test
    void aRouteNamingAnUndefinedChannelIsRefused() {
        assertThat(NotifierProducers.checked(routes, name -> true)).isSameAs(routes);
        assertThatThrownBy(
                        () ->
                                NotifierProducers.checked(
                                        routes, name -> !name.equals("checkout-team")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("channel checkout-team");
    }

    @Test
    void theMostSpecificRouteWins() {
        assertThat(routes.routeFor("checkout", "production")).contains("checkout-production");
        assertThat(routes.routeFor("checkout", "staging")).contains("checkout");
        assertThat(routes.routeFor("cart", "production")).contains("production");
        assertThat(routes.routeFor("cart", "staging")).contains("default");
    }

    @Test
    void anUnknownDeploymentTakesTheDefaultRoute() {
        assertThat(routes.channelsFor(null, null, null))
                .extracting(Routes.Pick::channel)
                .containsExactly("team", "audit");
    }

    @Test
    void severeIncidentsAlsoGoOnCall() {
        assertThat(routes.channelsFor("cart", "production", Severity.P1))
                .containsExactly(
                        new Routes.Pick("production", "announcements"),
                                new Routes.Pick("production", "status"),
                        new Routes.Pick("production", "audit"),
                                new Routes.Pick(Routes.ON_CALL, "on-call-slack"));
        assertThat(routes.channelsFor("cart", "production", Severity.P2))
                .extracting(Routes.Pick::channel)
                .doesNotContain("on-call-slack");
    }

    @Test
    void withoutADefaultRouteAnUnmatchedEventGoesNowhereButOnCall() {
        Routes narrow =
                new Routes(
                        Map.of("checkout", route("checkout", null, "checkout-team")),
                        List.of("pager"));
        assertThat(narrow.channelsFor("cart", "staging", null)).isEmpty();
        assertThat(narrow.channelsFor("cart", "staging", Severity.P0))
                .extracting(Routes.Pick::channel)
                .containsExactly("pager");
        assertThat(narrow.channelsOf("on-call")).contains(List.of("pager"));
        assertThat(narrow.channelsOf("nope")).isEmpty();
    }

    private static NotifierConfig.Route route(
            String application, String environment, String... channels) {
        return new NotifierConfig.Route() {
            @Override
            public Optional<String> application() {
                return Optional.ofNullable(application);
            }

            @Override
            public Optional<String> environment() {
                return Optional.ofNullable(environment);
            }

            @Override
            public List<String> channels() {
                return List.of(channels);
            }
        };
    }
}
