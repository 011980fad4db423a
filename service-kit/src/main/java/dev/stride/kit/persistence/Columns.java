package dev.stride.kit.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stride.events.EventCodec;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The column conversions every store makes: {@code timestamptz} to and from {@link Instant} (in UTC, null stays
 * null) and a value to the JSON of a {@code jsonb} column, written with the events' own mapper so a stored
 * parameter map or request reads back exactly as it travels on Kafka.
 */
public final class Columns {

    private Columns() {}

    /** The instant of a {@code timestamptz} value; null for null. */
    public static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    /** The instant in {@code row}'s {@code timestamptz} column {@code column}; null for SQL NULL. */
    public static Instant instant(Row row, String column) {
        return instant(row.getOffsetDateTime(column));
    }

    /** {@code at} as a UTC {@code timestamptz} parameter; null for null. */
    public static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    /** {@code value} as JSON text (the events' mapper), for a {@code jsonb} parameter or column. */
    public static String json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} as a Vert.x {@link JsonObject} (through {@link #json}), for a {@code jsonb} parameter. */
    public static JsonObject jsonObject(Object value) {
        return new JsonObject(json(value));
    }
}
