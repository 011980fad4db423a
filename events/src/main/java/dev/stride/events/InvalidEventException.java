package dev.stride.events;

/** A record that cannot be read as the event it claims to be; its message says why and goes to the dead-letter topic. */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String reason) {
        super(reason);
    }
}
