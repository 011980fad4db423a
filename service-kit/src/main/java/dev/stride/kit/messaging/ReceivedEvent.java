package dev.stride.kit.messaging;

import dev.stride.events.CloudEvent;
import dev.stride.events.StrideEvent;

/** An incoming event that parsed and validated: its envelope and its typed data. */
public record ReceivedEvent<T extends StrideEvent>(CloudEvent envelope, T data) {}
