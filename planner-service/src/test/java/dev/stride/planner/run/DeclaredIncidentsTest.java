package dev.stride.planner.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.events.Severity;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a declared incident does to the running deployment, per severity, and a bad setting named at start. */
class DeclaredIncidentsTest {

    @Test
    void p0AndP1RollBackByDefaultP2AndP3DoNothingAndEachIsConfigurable() {
        DeclaredIncidents defaults = incidents(Map.of());
        assertThat(defaults.responseTo(Severity.P0)).isEqualTo(DeclaredIncidents.Response.ROLLBACK);
        assertThat(defaults.responseTo(Severity.P1)).isEqualTo(DeclaredIncidents.Response.ROLLBACK);
        assertThat(defaults.responseTo(Severity.P2)).isEqualTo(DeclaredIncidents.Response.NONE);
        assertThat(defaults.responseTo(Severity.P3)).isEqualTo(DeclaredIncidents.Response.NONE);

        DeclaredIncidents set =
                incidents(
                        Map.of(
                                "stride.incidents.declared.p1", "Pause",
                                "stride.incidents.declared.p2", "pause"));
        assertThat(set.responseTo(Severity.P1)).isEqualTo(DeclaredIncidents.Response.PAUSE);
        assertThat(set.responseTo(Severity.P2)).isEqualTo(DeclaredIncidents.Response.PAUSE);
    }

    @Test
    void anUnknownResponseStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> incidents(Map.of("stride.incidents.declared.p0", "panic")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "stride.incidents.declared.p0 must be rollback, pause or none, is 'panic'");
    }

    private static DeclaredIncidents incidents(Map<String, String> values) {
        return new DeclaredIncidents(
                new SmallRyeConfigBuilder().withDefaultValues(values).build(), null, null);
    }
}
