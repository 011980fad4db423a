package dev.stride.events.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RunbookFormatsTest {

    @ParameterizedTest
    @CsvSource({
        "30s, PT30S",
        "5m, PT5M",
        "10m, PT10M",
        "1h30m, PT1H30M",
        "500ms, PT0.5S",
        "2h, PT2H"
    })
    void parsesTheRunbooksDurations(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "5",
                "5 m",
                "five minutes",
                "-5m",
                "0s",
                "5M",
                "1d",
                "m5",
                "1234567890s"
            })
    void refusesOtherDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "'<1%', LESS_THAN, 1, PERCENT",
        "'<0.5%', LESS_THAN, 0.5, PERCENT",
        "'<500ms', LESS_THAN, 500, MILLISECONDS",
        "'5%', , 5, PERCENT",
        "'1000ms', , 1000, MILLISECONDS",
        "'>=90%', AT_LEAST, 90, PERCENT",
        "'<2s', LESS_THAN, 2000, MILLISECONDS",
        "'5/min', , 5, PER_MINUTE",
        "'<=12.5/min', AT_MOST, 12.5, PER_MINUTE"
    })
    void parsesTheRunbooksThresholds(
            String text, Threshold.Comparison comparison, double value, Threshold.Unit unit) {
        assertThat(Threshold.parse(text)).isEqualTo(new Threshold(comparison, value, unit));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "<",
                "1",
                "<1",
                "one%",
                "<1 percent",
                "101%",
                "=5%",
                "<<5%",
                "5%%",
                "5/m",
                "5 /min",
                "5/minute"
            })
    void refusesOtherThresholds(String text) {
        assertThatThrownBy(() -> Threshold.parse(text))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "error_rate, PERCENT, true",
        "response_time_p95, MILLISECONDS, true",
        "health_check_success_rate, PERCENT, false",
        "errors_per_minute, PER_MINUTE, true"
    })
    void metricsKnowTheirUnitAndWhichWayIsBad(
            String name, Threshold.Unit unit, boolean higherIsWorse) {
        Metric metric = Metric.of(name).orElseThrow();
        assertThat(metric.unit()).isEqualTo(unit);
        assertThat(metric.higherIsWorse()).isEqualTo(higherIsWorse);
    }
}
