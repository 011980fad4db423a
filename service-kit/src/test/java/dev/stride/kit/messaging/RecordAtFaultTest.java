package dev.stride.kit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stride.events.InvalidEventException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.time.DateTimeException;
import org.junit.jupiter.api.Test;

class RecordAtFaultTest {

    @Test
    void whatTheRecordCarriesIsItsFault() {
        assertThat(
                        InboundEvents.recordAtFault(
                                new IllegalArgumentException("Invalid UUID string: x")))
                .isTrue();
        assertThat(InboundEvents.recordAtFault(new DateTimeException("year out of range")))
                .isTrue();
        assertThat(
                        InboundEvents.recordAtFault(
                                new PgException(
                                        "invalid byte sequence for encoding UTF8: 0x00",
                                        "ERROR",
                                        "22021",
                                        null)))
                .isTrue();
    }

    @Test
    void theMomentsFailuresAreRetried() {
        assertThat(InboundEvents.recordAtFault(new IOException("connection refused"))).isFalse();
        assertThat(
                        InboundEvents.recordAtFault(
                                new PgException("deadlock detected", "ERROR", "40P01", null)))
                .isFalse();
        assertThat(
                        InboundEvents.recordAtFault(
                                new PgException(
                                        "terminating connection due to administrator command",
                                        "FATAL",
                                        "57P01",
                                        null)))
                .isFalse();
        // Already the record's fault, and already dead-lettered as such.
        assertThat(InboundEvents.recordAtFault(new InvalidEventException("bad"))).isFalse();
    }
}
