package dev.stride.verifier.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two loopback endpoints that never answer, as a Prometheus that is down can look: {@link #silent()} accepts every
 * connection and never reads or writes a byte; {@link #unreachable()} never accepts, and its backlog is filled
 * here, so a new connection's SYN is dropped and connecting hangs until the caller's own timeout.
 */
public final class BlackHoles implements AutoCloseable {

    private final ServerSocket silent;
    private final ServerSocket unreachable;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private BlackHoles() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        silent = new ServerSocket(0, 50, loopback);
        acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "black-hole-silent");
        acceptor.setDaemon(true);
        acceptor.start();
        unreachable = new ServerSocket(0, 1, loopback);
        fill(unreachable);
    }

    public static BlackHoles open() {
        try {
            return new BlackHoles();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Accepts, never answers. */
    public String silent() {
        return "http://127.0.0.1:" + silent.getLocalPort();
    }

    /** Never accepts: connecting hangs. */
    public String unreachable() {
        return "http://127.0.0.1:" + unreachable.getLocalPort();
    }

    /** Whether a new connection to the unreachable one still hangs (its backlog is still full). */
    public boolean unreachableHangs() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), unreachable.getLocalPort()), 300);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // Connections the kernel completes wait in the accept queue (backlog + 1 on Linux); once it is full, a new SYN
    // is dropped and the connect times out: that is the state to reach and hold.
    private void fill(ServerSocket socket) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()), 300);
                held.add(filler);
            } catch (SocketTimeoutException e) {
                filler.close();
                return;
            }
        }
        throw new IllegalStateException("the backlog of the unreachable black hole never filled");
    }

    @Override
    public void close() {
        for (Socket socket : held) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            silent.close();
            unreachable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
