package dev.stride.kit.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnsTest {

    record Step(String name, int weight, Instant at) {}

    @Test
    void timestampsKeepTheInstantInUtcAndNullStaysNull() {
        Instant at = Instant.parse("2026-12-06T21:42:17.123456Z");
        OffsetDateTime column = Columns.utc(at);
        assertThat(column.getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(Columns.instant(column)).isEqualTo(at);
        assertThat(Columns.instant(at.atOffset(ZoneOffset.ofHours(2)))).isEqualTo(at);
        assertThat(Columns.utc(null)).isNull();
        assertThat(Columns.instant((OffsetDateTime) null)).isNull();
    }

    @Test
    void jsonIsWhatTheEventsMapperWritesInOrderWithIsoInstants() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("weight", 10);
        parameters.put(
                "steps", List.of(new Step("shift", 5, Instant.parse("2026-01-02T03:04:05Z"))));
        assertThat(Columns.json(parameters))
                .isEqualTo(
                        "{\"weight\":10,\"steps\":[{\"name\":\"shift\",\"weight\":5,\"at\":\"2026-01-02T03:04:05Z\"}]}");
        assertThat(
                        Columns.jsonObject(parameters)
                                .getJsonArray("steps")
                                .getJsonObject(0)
                                .getInteger("weight"))
                .isEqualTo(5);
        assertThat(Columns.json(null)).isEqualTo("null");
    }

    @Test
    void aValueJacksonCannotWriteIsAnUncheckedError() {
        assertThatThrownBy(() -> Columns.json(new Object()))
                .isInstanceOf(UncheckedIOException.class);
    }
}
