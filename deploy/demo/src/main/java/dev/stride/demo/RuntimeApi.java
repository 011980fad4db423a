package dev.stride.demo;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/** {@code haproxy --socket PATH --command "..."}: one command to HAProxy's runtime API; its reply on stdout. */
final class RuntimeApi {

    static final Set<String> OPTIONS = Set.of("socket", "command");

    private RuntimeApi() {}

    static int run(Options options) throws IOException {
        String reply =
                send(
                        Path.of(options.text("socket", ".stride/demo/haproxy.sock")),
                        options.text("command", "show info"));
        System.out.print(reply);
        // HAProxy answers a refused command with text, not a status: these are its words for
        // failure.
        return reply.contains("No such")
                        || reply.contains("Unknown command")
                        || reply.contains("Require")
                ? 1
                : 0;
    }

    static String send(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            StringBuilder reply = new StringBuilder();
            while (channel.read(buffer) > 0) {
                buffer.flip();
                reply.append(StandardCharsets.US_ASCII.decode(buffer));
                buffer.clear();
            }
            return reply.toString();
        }
    }
}
