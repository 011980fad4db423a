package dev.stride.notifier.routing;

import dev.stride.events.Severity;
import dev.stride.notifier.config.NotifierConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Picks who hears about an event: the configured route that matches its application and environment most closely
 * (both named beats application only beats environment only beats neither), plus the on-call route for P0/P1
 * incidents. An event whose deployment the notifier never saw requested takes the route that names neither.
 */
public final class Routes {

    /** One channel an event goes to, and the route that chose it (kept in the delivery log). */
    public record Pick(String route, String channel) {}

    public static final String ON_CALL = "on-call";

    private final List<Named> routes;
    private final List<String> onCall;

    public Routes(Map<String, NotifierConfig.Route> routes, List<String> onCall) {
        this.routes =
                routes.entrySet().stream()
                        .map(
                                e ->
                                        new Named(
                                                e.getKey(),
                                                e.getValue()
                                                        .application()
                                                        .filter(
                                                                a ->
                                                                        !a.isBlank()
                                                                                && !a.equals("*")),
                                                e.getValue()
                                                        .environment()
                                                        .filter(
                                                                a ->
                                                                        !a.isBlank()
                                                                                && !a.equals("*")),
                                                List.copyOf(e.getValue().channels())))
                        .sorted(Comparator.comparing(Named::name))
                        .toList();
        this.onCall = List.copyOf(onCall);
    }

    /** The route for an application and environment (either may be unknown), if any route matches. */
    public Optional<String> routeFor(String application, String environment) {
        return routes.stream()
                .filter(r -> r.application().map(a -> a.equals(application)).orElse(true))
                .filter(r -> r.environment().map(e -> e.equals(environment)).orElse(true))
                .max(
                        Comparator.comparingInt(Named::specificity)
                                // Equal specificity: the first name wins, so the choice is stable.
                                .thenComparing(Named::name, Comparator.reverseOrder()))
                .map(Named::name);
    }

    /** Every channel to deliver to, each once, the chosen route's first. */
    public List<Pick> channelsFor(String application, String environment, Severity severity) {
        Set<String> seen = new LinkedHashSet<>();
        List<Pick> picks = new ArrayList<>();
        routeFor(application, environment)
                .ifPresent(
                        name ->
                                route(name)
                                        .ifPresent(
                                                route ->
                                                        route.channels()
                                                                .forEach(
                                                                        channel -> {
                                                                            if (seen.add(channel)) {
                                                                                picks.add(
                                                                                        new Pick(
                                                                                                name,
                                                                                                channel));
                                                                            }
                                                                        })));
        if (severity == Severity.P0 || severity == Severity.P1) {
            onCall.forEach(
                    channel -> {
                        if (seen.add(channel)) {
                            picks.add(new Pick(ON_CALL, channel));
                        }
                    });
        }
        return picks;
    }

    /** The channels of a route by its name ({@value #ON_CALL} is the on-call route). */
    public Optional<List<String>> channelsOf(String route) {
        if (ON_CALL.equals(route)) {
            return onCall.isEmpty() ? Optional.empty() : Optional.of(onCall);
        }
        return route(route).map(Named::channels);
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(routes.stream().map(Named::name).toList());
        if (!onCall.isEmpty()) {
            names.add(ON_CALL);
        }
        return names;
    }

    /** Every channel some route names. */
    public Set<String> referencedChannels() {
        Set<String> all = new LinkedHashSet<>();
        routes.forEach(r -> all.addAll(r.channels()));
        all.addAll(onCall);
        return all;
    }

    private Optional<Named> route(String name) {
        return routes.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    private record Named(
            String name,
            Optional<String> application,
            Optional<String> environment,
            List<String> channels) {
        int specificity() {
            return (application.isPresent() ? 2 : 0) + (environment.isPresent() ? 1 : 0);
        }
    }
}
