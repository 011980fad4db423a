package dev.stride.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the tests that run a real server process (HAProxy, Prometheus) share: finding it, a port, its log. */
public final class LocalBinaries {

    private LocalBinaries() {}

    /**
     * The executable {@code name}: {@code usual} first (a non-root PATH often lacks /usr/sbin), then the PATH; an
     * AssertionError saying how to get it otherwise.
     */
    public static Path find(String name, Path usual) {
        Stream<Path> onPath =
                Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(dir -> !dir.isBlank())
                        .map(dir -> Path.of(dir, name));
        return Stream.concat(Stream.of(usual), onPath)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        name
                                                + " is not installed (no "
                                                + usual
                                                + "): run the tests"
                                                + " with `deploy/stride test`, which installs it"));
    }

    /**
     * A loopback port free right now. It is closed again before the server binds it, so another process could take
     * it in between; the server then fails to start saying the address is in use.
     */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A server's log for a failure message, or "(no log)". */
    public static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
