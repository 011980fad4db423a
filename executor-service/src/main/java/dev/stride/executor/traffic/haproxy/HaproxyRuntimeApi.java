package dev.stride.executor.traffic.haproxy;

import dev.stride.executor.traffic.PlatformException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy's runtime API (the "stats socket") over a UNIX socket or TCP, in non-interactive mode: one connection per
 * command, {@code "cmd\n"} written, the reply read until HAProxy closes. Replies are plain text and HAProxy answers
 * errors with text too, so every reply is checked: a set command succeeds only on an empty reply.
 *
 * <p>Failures to reach HAProxy (socket missing, connection refused, timeout) are transient; HAProxy refusing a
 * command is not. Messages hold only the command's name and HAProxy's reply, never the endpoint.
 */
public final class HaproxyRuntimeApi {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);

    /** Server states {@code set server ... state} accepts. */
    public static final Set<String> STATES = Set.of("ready", "drain", "maint");

    // A reply longer than this is not an answer to any command we send; stop reading rather than
    // buffer it.
    private static final int MAX_REPLY_BYTES = 1 << 20;
    private static final Pattern WEIGHT_REPLY = Pattern.compile("(\\d+) \\(initial \\d+\\)");
    // HAProxy's own rule for proxy and server names. Anything else could smuggle a second command
    // (';' or a
    // newline) into the line we send.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    private final SocketAddress endpoint;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    private HaproxyRuntimeApi(
            SocketAddress endpoint, Duration connectTimeout, Duration readTimeout) {
        this.endpoint = endpoint;
        this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
        this.readTimeout = requirePositive(readTimeout, "readTimeout");
    }

    /** The runtime API on the UNIX socket at {@code socket} (an absolute path). */
    public static HaproxyRuntimeApi unixSocket(
            Path socket, Duration connectTimeout, Duration readTimeout) {
        Objects.requireNonNull(socket, "socket");
        if (!socket.isAbsolute()) {
            throw new IllegalArgumentException(
                    "the HAProxy runtime API socket must be an absolute path");
        }
        return new HaproxyRuntimeApi(
                UnixDomainSocketAddress.of(socket), connectTimeout, readTimeout);
    }

    /**
     * The runtime API on TCP {@code address}: {@code host:port}, {@code [v6]:port} for IPv6. The host is resolved
     * on every command, so a changed DNS record is picked up.
     */
    public static HaproxyRuntimeApi tcp(
            String address, Duration connectTimeout, Duration readTimeout) {
        Objects.requireNonNull(address, "address");
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("the HAProxy runtime API address must be host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "the HAProxy runtime API address must end in a port number");
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("the HAProxy runtime API address must be host:port");
        }
        return new HaproxyRuntimeApi(
                InetSocketAddress.createUnresolved(host, port), connectTimeout, readTimeout);
    }

    /**
     * Sends one command and returns HAProxy's reply as it came, or throws a transient {@link PlatformException}
     * when HAProxy cannot be reached or does not answer in time. The line goes out as given, and HAProxy runs each
     * part of it between {@code ;} as a command of its own: never build it from untrusted text (the typed methods
     * below check the names they are given).
     */
    public String command(String command) throws PlatformException {
        Objects.requireNonNull(command, "command");
        if (command.isBlank() || command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one command, on one line");
        }
        String name = commandName(command);
        SocketAddress target = target(name);
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        try (SocketChannel channel = open();
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            if (!channel.connect(target)) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                while (!channel.finishConnect()) {
                    awaitReady(selector, deadline, name, "connecting");
                }
            }
            deadline = System.nanoTime() + readTimeout.toNanos();
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    awaitReady(selector, deadline, name, "sending");
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(8192);
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            while (true) {
                int read = channel.read(in);
                if (read < 0) {
                    return reply.toString(StandardCharsets.UTF_8);
                }
                if (read == 0) {
                    awaitReady(selector, deadline, name, "waiting for the reply");
                    continue;
                }
                reply.write(in.array(), 0, in.position());
                in.clear();
                if (reply.size() > MAX_REPLY_BYTES) {
                    throw new PlatformException(
                            "HAProxy '"
                                    + name
                                    + "': reply longer than "
                                    + MAX_REPLY_BYTES
                                    + " bytes",
                            false);
                }
            }
        } catch (ConnectException e) {
            throw unreachable(name, "connection refused", e);
        } catch (IOException e) {
            throw unreachable(name, endpointMissing() ? "socket not found" : "I/O error", e);
        }
    }

    /** {@code set weight backend/server weight}: the absolute weight, 0..256. */
    public void setWeight(String backend, String server, int weight) throws PlatformException {
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("an HAProxy weight is 0..256, not " + weight);
        }
        set("set weight " + server(backend, server) + " " + weight);
    }

    /** {@code get weight backend/server}: the server's current weight (not its initial one). */
    public int getWeight(String backend, String server) throws PlatformException {
        String reply = command("get weight " + server(backend, server));
        Matcher matcher = WEIGHT_REPLY.matcher(reply.strip());
        if (!matcher.matches()) {
            throw refused("get weight", reply);
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** {@code set server backend/server state ready|drain|maint}. */
    public void setState(String backend, String server, String state) throws PlatformException {
        if (!STATES.contains(state)) {
            throw new IllegalArgumentException(
                    "an HAProxy server state is ready, drain or maint, not " + state);
        }
        set("set server " + server(backend, server) + " state " + state);
    }

    private SocketChannel open() throws IOException {
        return endpoint instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
    }

    // Resolved per command (a changed DNS record is picked up); an unknown host may be a DNS
    // hiccup: transient.
    private SocketAddress target(String name) throws PlatformException {
        if (endpoint instanceof InetSocketAddress inet && inet.isUnresolved()) {
            InetSocketAddress resolved =
                    new InetSocketAddress(inet.getHostString(), inet.getPort());
            if (resolved.isUnresolved()) {
                throw new PlatformException(
                        "HAProxy runtime API not reachable for '" + name + "': host not resolved",
                        true);
            }
            return resolved;
        }
        return endpoint;
    }

    private boolean endpointMissing() {
        return endpoint instanceof UnixDomainSocketAddress unix && !Files.exists(unix.getPath());
    }

    private static void awaitReady(Selector selector, long deadline, String name, String doing)
            throws IOException, PlatformException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new PlatformException(
                    "HAProxy runtime API not reachable for '" + name + "': timed out " + doing,
                    true);
        }
        // select(ms) treats 0 as "forever": wait at least one millisecond.
        selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
        selector.selectedKeys().clear();
    }

    // HAProxy answers a set command that worked with an empty line; anything else is its reason for
    // refusing.
    private void set(String command) throws PlatformException {
        PlatformException failure = setFailure(command, command(command));
        if (failure != null) {
            throw failure;
        }
    }

    /** Null if {@code reply} says a set command worked, else HAProxy's reason as a (non-transient) failure. */
    static PlatformException setFailure(String command, String reply) {
        return reply.isBlank() ? null : refused(commandName(command), reply);
    }

    private static PlatformException refused(String name, String reply) {
        String text = reply.strip();
        int eol = text.indexOf('\n');
        // Only HAProxy's first line: "Unknown command" replies go on to list every command there
        // is.
        text = eol < 0 ? text : text.substring(0, eol).strip();
        return new PlatformException(
                "HAProxy '" + name + "': " + (text.isEmpty() ? "empty reply" : text), false);
    }

    private static PlatformException unreachable(String name, String why, IOException cause) {
        return new PlatformException(
                "HAProxy runtime API not reachable for '" + name + "': " + why, true, cause);
    }

    private static String server(String backend, String server) {
        return name(backend, "backend") + "/" + name(server, "server");
    }

    /** Whether HAProxy would accept {@code name} as a backend or server name. */
    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static String name(String name, String what) {
        if (!isName(name)) {
            throw new IllegalArgumentException(
                    "the HAProxy " + what + " name must match " + NAME.pattern());
        }
        return name;
    }

    // "set weight app/canary 30" -> "set weight": the verb and its object, without arguments.
    static String commandName(String command) {
        String[] words = command.strip().split("\\s+", 3);
        return words.length >= 2
                        && (words[0].equals("set")
                                || words[0].equals("get")
                                || words[0].equals("show"))
                ? words[0] + " " + words[1]
                : words[0];
    }

    private static Duration requirePositive(Duration timeout, String what) {
        Objects.requireNonNull(timeout, what);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
        return timeout;
    }
}
