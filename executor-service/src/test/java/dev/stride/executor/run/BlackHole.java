package dev.stride.executor.run;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A platform endpoint that does not answer, on loopback only: {@link #silent()} accepts connections and never says
 * a word (a hung API server); {@link #unaccepting()} never accepts, its backlog filled, so a connect hangs (a host
 * that is down behind a firewall that drops packets). Traffic to it stays on this machine.
 */
final class BlackHole implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private BlackHole(ServerSocket server, boolean accepting) throws IOException {
        this.server = server;
        if (accepting) {
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept()); // held open, never read, never answered
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "black-hole-" + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        } else {
            acceptor = null;
            fillBacklog();
        }
    }

    static BlackHole silent() throws IOException {
        return new BlackHole(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), true);
    }

    static BlackHole unaccepting() throws IOException {
        return new BlackHole(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), false);
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    // Connections nobody accepts fill the listen queue; once it is full the kernel drops further SYNs, and a connect
    // hangs until its own timeout. Bounded: a handful of connects of 300 ms at most.
    private void fillBacklog() throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 300);
                held.add(socket);
            } catch (SocketTimeoutException full) {
                socket.close();
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
                // closing a test's socket
            }
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a test's socket
        }
    }
}
