package dev.stride.kit.messaging;

import dev.stride.events.EventCodec;
import dev.stride.events.EventSchemas;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** CDI beans for the framework-free event contract. */
public class KitProducers {

    @Produces
    @Singleton
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Produces
    @Singleton
    EventSchemas eventSchemas() {
        return new EventSchemas();
    }
}
