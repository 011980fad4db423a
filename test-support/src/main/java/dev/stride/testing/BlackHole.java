package dev.stride.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An endpoint on loopback that does not answer, in one of two ways: {@link #silent()} accepts connections and never
 * writes a byte (a request times out waiting for its answer); {@link #unaccepting()} never accepts, its backlog
 * filled, so the kernel drops new SYNs and a connect hangs until its timeout. Only ever on 127.0.0.1: what tests
 * send to it stays on this machine.
 */
public final class BlackHole implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    private BlackHole(ServerSocket server) {
        this.server = server;
    }

    /** Accepts every connection, reads nothing, answers nothing. */
    public static BlackHole silent() {
        try {
            BlackHole hole = new BlackHole(new ServerSocket(0, 50, LOOPBACK));
            Thread acceptor = new Thread(hole::acceptForever, "black-hole-silent-" + hole.port());
            acceptor.setDaemon(true);
            acceptor.start();
            return hole;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Never accepts; its backlog of one is filled at once, so further connects hang. */
    public static BlackHole unaccepting() {
        try {
            BlackHole hole = new BlackHole(new ServerSocket(0, 1, LOOPBACK));
            hole.fillBacklog();
            return hole;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://" + address();
    }

    /** Connections a silent hole has taken (and holds) so far. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                held.add(server.accept());
                accepted.incrementAndGet();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Connects until a connect hangs: from then on the kernel drops every SYN to this port. */
    private void fillBacklog() throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(LOOPBACK, port()), 300);
                held.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return;
            }
        }
        throw new IllegalStateException("the backlog of port " + port() + " did not fill up");
    }

    @Override
    public void close() {
        for (Socket socket : held) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
