package dev.stride.incident.api;

import dev.stride.events.spec.EnvironmentCatalog;
import dev.stride.incident.figures.DeliveryFigures;
import dev.stride.incident.figures.FiguresReads;
import dev.stride.kit.problem.ProblemException;
import dev.stride.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The delivery figures (the runbook's KPIs: DORA and more), computed from finished deployments and incidents. */
@Path("/api/v1/metrics/delivery")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryFiguresResource {

    static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    static final Duration MAX_RANGE = Duration.ofDays(366 * 5);

    /** The earliest and the latest instant a range may name: years 1970 to 9999. */
    static final Instant EARLIEST = Instant.EPOCH;

    static final Instant LATEST =
            LocalDate.of(10000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

    private final FiguresReads store;
    private final EnvironmentCatalog environments;

    public DeliveryFiguresResource(FiguresReads store, EnvironmentCatalog environments) {
        this.store = store;
        this.environments = environments;
    }

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.REQUESTER, Roles.APPROVER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(
            summary = "Delivery figures",
            description =
                    "Deployment frequency, lead time for changes, change failure rate, MTTR, mean time to "
                            + "deploy and success rate of one application (all when absent) in one environment (when absent, "
                            + "the first of the production tier in stride.environments: production by default) over [from, to): ISO-8601 instants or dates (UTC) in the years 1970 to 9999; to "
                            + "defaults to now, from to 30 days before to.")
    public Uni<DeliveryFigures> figures(
            @QueryParam("application") String application,
            @QueryParam("environment") String environment,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        Optional<String> app = IncidentResource.application(application);
        String env =
                IncidentResource.environment(environments, environment)
                        .orElseGet(this::defaultEnvironment);
        Instant end = instant("to", to).orElseGet(Instant::now);
        Instant start = instant("from", from).orElse(end.minus(DEFAULT_RANGE));
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("from", "must be before to (" + end + ")");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw ProblemException.badRequest(
                    "from", "the range may span at most " + MAX_RANGE.toDays() + " days");
        }
        return store.figures(app, env, start, end);
    }

    // The first production-tier environment; without one, the last in the order of progression.
    private String defaultEnvironment() {
        return environments.inTier(EnvironmentCatalog.Tier.PRODUCTION).stream()
                .findFirst()
                .orElseGet(
                        () ->
                                environments
                                        .environments()
                                        .get(environments.environments().size() - 1))
                .wireName();
    }

    private static Optional<Instant> instant(String name, String value) {
        return IncidentResource.present(value)
                .map(
                        text -> {
                            Instant at;
                            try {
                                at =
                                        text.length() == 10
                                                ? LocalDate.parse(text)
                                                        .atStartOfDay(ZoneOffset.UTC)
                                                        .toInstant()
                                                : Instant.parse(text);
                            } catch (DateTimeException e) {
                                throw ProblemException.badRequest(
                                        name,
                                        "must be an ISO-8601 instant (2026-11-20T10:00:00Z) or date "
                                                + "(2026-11-20), not '"
                                                + shown(text)
                                                + "'");
                            }
                            if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
                                throw ProblemException.badRequest(
                                        name, "must lie in the years 1970 to 9999");
                            }
                            return at;
                        });
    }

    private static String shown(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
