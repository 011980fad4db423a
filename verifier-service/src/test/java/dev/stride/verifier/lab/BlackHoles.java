package dev.stride.verifier.lab;

import dev.stride.testing.BlackHole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Two loopback endpoints that never answer, as a Prometheus that is down can look: test-support's
 * {@link BlackHole}s, one {@link #silent()} (accepts every connection and never reads or writes a byte) and one
 * {@link #unreachable()} (never accepts, its backlog filled, so a new connection's SYN is dropped and connecting hangs
 * until the caller's own timeout). The pair is what the verifier's tests and benchmark ask, side by side.
 */
public final class BlackHoles implements AutoCloseable {

    private final BlackHole silent;
    private final BlackHole unreachable;

    private BlackHoles(BlackHole silent, BlackHole unreachable) {
        this.silent = silent;
        this.unreachable = unreachable;
    }

    public static BlackHoles open() {
        BlackHole silent = BlackHole.silent();
        try {
            return new BlackHoles(silent, BlackHole.unaccepting());
        } catch (RuntimeException e) {
            silent.close();
            throw e;
        }
    }

    /** Accepts, never answers. */
    public String silent() {
        return silent.url();
    }

    /** Never accepts: connecting hangs. */
    public String unreachable() {
        return unreachable.url();
    }

    /** Whether a new connection to the unreachable one still hangs (its backlog is still full). */
    public boolean unreachableHangs() {
        try (Socket probe = new Socket()) {
            probe.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), unreachable.port()),
                    300);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        silent.close();
        unreachable.close();
    }
}
