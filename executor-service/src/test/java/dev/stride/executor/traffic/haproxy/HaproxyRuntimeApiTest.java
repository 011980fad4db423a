package dev.stride.executor.traffic.haproxy;

import static dev.stride.executor.traffic.haproxy.HaproxyUnderTest.BACKEND;
import static dev.stride.executor.traffic.haproxy.HaproxyUnderTest.CANARY;
import static dev.stride.executor.traffic.haproxy.HaproxyUnderTest.STABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stride.executor.traffic.PlatformException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyRuntimeApiTest {

    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration READ = Duration.ofSeconds(5);

    private static HaproxyUnderTest haproxy;
    private HaproxyRuntimeApi api;

    @BeforeAll
    static void startHaproxy() throws IOException {
        haproxy = HaproxyUnderTest.start();
    }

    @AfterAll
    static void stopHaproxy() {
        if (haproxy != null) {
            haproxy.close();
        }
    }

    @BeforeEach
    void stableTakesAll() throws PlatformException {
        api = haproxy.api();
        api.setWeight(BACKEND, STABLE, 100);
        api.setState(BACKEND, STABLE, "ready");
        api.setWeight(BACKEND, CANARY, 0);
        api.setState(BACKEND, CANARY, "ready");
    }

    @Test
    void setWeightIsReadBackAndSteersRequests() throws PlatformException {
        api.setWeight(BACKEND, CANARY, 100);
        api.setWeight(BACKEND, STABLE, 0);

        assertThat(api.getWeight(BACKEND, CANARY)).isEqualTo(100);
        assertThat(api.getWeight(BACKEND, STABLE)).isZero();
        assertThat(haproxy.send(20)).containsEntry(CANARY, 20).containsEntry(STABLE, 0);
    }

    @Test
    void drainAndMaintTakeAServerOutWithoutTouchingItsWeight() throws PlatformException {
        api.setWeight(BACKEND, CANARY, 100);

        api.setState(BACKEND, STABLE, "drain");
        assertThat(haproxy.send(20)).containsEntry(CANARY, 20);
        assertThat(api.getWeight(BACKEND, STABLE)).isEqualTo(100);

        api.setState(BACKEND, STABLE, "ready");
        api.setState(BACKEND, CANARY, "maint");
        assertThat(haproxy.send(20)).containsEntry(STABLE, 20);
    }

    @Test
    void theRawCommandReturnsHaproxysReply() throws PlatformException {
        assertThat(api.command("get weight " + BACKEND + "/" + STABLE))
                .isEqualTo("100 (initial 100)\n\n");
    }

    @Test
    void anUnknownServerIsAnErrorNotSuccess() {
        assertThatThrownBy(() -> api.setWeight(BACKEND, "nope", 10))
                .isInstanceOf(PlatformException.class)
                .hasMessage("HAProxy 'set weight': No such server.")
                .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isFalse());
        assertThatThrownBy(() -> api.getWeight(BACKEND, "nope"))
                .hasMessage("HAProxy 'get weight': No such server.");
        assertThatThrownBy(() -> api.setState(BACKEND, "nope", "drain"))
                .hasMessage("HAProxy 'set server': No such server.");
    }

    @Test
    void anUnknownBackendIsAnError() {
        assertThatThrownBy(() -> api.setWeight("nope", CANARY, 10))
                .isInstanceOf(PlatformException.class)
                .hasMessage("HAProxy 'set weight': No such backend.");
    }

    @Test
    void anyOtherReplyToASetCommandIsHaproxysReasonForRefusing() throws PlatformException {
        // Replies the typed methods cannot provoke, taken from HAProxy itself.
        String outOfRange = api.command("set weight " + BACKEND + "/" + CANARY + " 257");
        String noSlash = api.command("set weight " + BACKEND + " 10");
        String unknown = api.command("frobnicate");

        assertThat(HaproxyRuntimeApi.setFailure("set weight app/canary 257", outOfRange))
                .hasMessage(
                        "HAProxy 'set weight': Absolute weight can only be between 0 and 256 inclusive.")
                .satisfies(e -> assertThat(e.isTransient()).isFalse());
        assertThat(HaproxyRuntimeApi.setFailure("set weight app 10", noSlash))
                .hasMessage("HAProxy 'set weight': Require 'backend/server'.");
        // An unknown command lists every command HAProxy has; the first line says it all.
        assertThat(unknown.lines().count()).isGreaterThan(2);
        assertThat(HaproxyRuntimeApi.setFailure("frobnicate", unknown))
                .hasMessage(
                        "HAProxy 'frobnicate': Unknown command, but maybe one of the following ones is a"
                                + " better match:");
        assertThat(HaproxyRuntimeApi.setFailure("set weight app/canary 10", "\n")).isNull();
        assertThat(api.getWeight(BACKEND, CANARY)).isZero();
    }

    @Test
    void aGetWeightReplyThatIsNoWeightIsAnError() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer =
                    new Thread(
                            () -> {
                                try (var socket = fake.accept()) {
                                    new java.io.BufferedReader(
                                                    new java.io.InputStreamReader(
                                                            socket.getInputStream()))
                                            .readLine();
                                    socket.getOutputStream()
                                            .write("Permission denied\n\n".getBytes());
                                } catch (IOException ignored) {
                                    // the assertion below reports what the client saw
                                }
                            });
            peer.start();
            HaproxyRuntimeApi api =
                    HaproxyRuntimeApi.tcp("127.0.0.1:" + fake.getLocalPort(), CONNECT, READ);

            assertThatThrownBy(() -> api.getWeight(BACKEND, CANARY))
                    .isInstanceOf(PlatformException.class)
                    .hasMessage("HAProxy 'get weight': Permission denied")
                    .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isFalse());
            peer.join(Duration.ofSeconds(5).toMillis());
        }
    }

    @Test
    void namesThatCouldCarryASecondCommandAreRefusedBeforeSending() {
        assertThatThrownBy(() -> api.setWeight(BACKEND, CANARY + " 100; shutdown frontend web", 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.command("get weight a/b\nshutdown frontend web"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTcpRuntimeApiWorksToo() throws PlatformException {
        HaproxyRuntimeApi tcp = HaproxyRuntimeApi.tcp(haproxy.address(), CONNECT, READ);

        tcp.setWeight(BACKEND, CANARY, 40);

        assertThat(tcp.getWeight(BACKEND, CANARY)).isEqualTo(40);
        assertThat(api.getWeight(BACKEND, CANARY)).isEqualTo(40);
    }

    @Test
    void aMissingSocketIsTransient(@TempDir Path dir) {
        HaproxyRuntimeApi missing =
                HaproxyRuntimeApi.unixSocket(dir.resolve("gone.sock"), CONNECT, READ);

        assertThatThrownBy(() -> missing.getWeight(BACKEND, CANARY))
                .isInstanceOf(PlatformException.class)
                .hasMessage("HAProxy runtime API not reachable for 'get weight': socket not found")
                .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isTrue());
    }

    @Test
    void aSocketNobodyListensOnIsTransient(@TempDir Path dir) throws IOException {
        // What HAProxy leaves behind when it is killed: the file, and no listener.
        Path stale = dir.resolve("stale.sock");
        try (var channel =
                java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.bind(java.net.UnixDomainSocketAddress.of(stale));
        }
        assertThat(Files.exists(stale)).isTrue();
        HaproxyRuntimeApi api = HaproxyRuntimeApi.unixSocket(stale, CONNECT, READ);

        assertThatThrownBy(() -> api.setWeight(BACKEND, CANARY, 10))
                .isInstanceOf(PlatformException.class)
                .hasMessage(
                        "HAProxy runtime API not reachable for 'set weight': connection refused")
                .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isTrue());
    }

    @Test
    void aRefusedTcpConnectionIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HaproxyRuntimeApi api = HaproxyRuntimeApi.tcp("127.0.0.1:" + closedPort, CONNECT, READ);

        assertThatThrownBy(() -> api.getWeight(BACKEND, CANARY))
                .isInstanceOf(PlatformException.class)
                .hasMessage(
                        "HAProxy runtime API not reachable for 'get weight': connection refused")
                .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isTrue());
    }

    @Test
    void aSilentPeerTimesOutAsTransient() throws IOException {
        // The kernel accepts the connection into the backlog; nobody ever answers.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HaproxyRuntimeApi api =
                    HaproxyRuntimeApi.tcp(
                            "127.0.0.1:" + silent.getLocalPort(), CONNECT, Duration.ofMillis(300));

            assertThatThrownBy(() -> api.getWeight(BACKEND, CANARY))
                    .isInstanceOf(PlatformException.class)
                    .hasMessage(
                            "HAProxy runtime API not reachable for 'get weight': timed out waiting for the reply")
                    .satisfies(e -> assertThat(((PlatformException) e).isTransient()).isTrue());
        }
    }

    @Test
    void addressesMustBeHostAndPort() {
        assertThatThrownBy(() -> HaproxyRuntimeApi.tcp("localhost", CONNECT, READ))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HaproxyRuntimeApi.tcp("localhost:http", CONNECT, READ))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> HaproxyRuntimeApi.unixSocket(Path.of("relative.sock"), CONNECT, READ))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(HaproxyRuntimeApi.tcp("[::1]:9999", CONNECT, READ)).isNotNull();
    }
}
