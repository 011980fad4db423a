package dev.stride.kit.security;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The command line behind {@code deploy/stride token}: the local stack's key pair and tokens signed with it, by the
 * same code as the tests' tokens ({@link Tokens}). It runs without Quarkus, on the class path of any built service
 * ({@code <service>/target/quarkus-app/lib/main/*}), which holds service-kit and smallrye-jwt-build.
 * <ul>
 * <li>{@code keys DIR}: makes {@code DIR/private.pem} and {@code DIR/public.pem} unless they exist; prints
 * {@code created} on stdout if it made a new private key.</li>
 * <li>{@code token DIR USER HOURS ROLE...}: prints a token for USER with ROLEs, valid from now for HOURS, signed
 * with {@code DIR/private.pem}.</li>
 * </ul>
 * The script checks its arguments (roles, user name, hours); this tool trusts them.
 */
public final class TokenTool {

    private TokenTool() {}

    public static void main(String[] args) {
        if (args.length >= 2 && args[0].equals("keys")) {
            if (Tokens.ensureKeyFiles(Path.of(args[1]))) {
                System.out.println("created");
            }
            return;
        }
        if (args.length >= 5 && args[0].equals("token")) {
            Path directory = Path.of(args[1]);
            long hours = Long.parseLong(args[3]);
            List<String> roles = Arrays.asList(args).subList(4, args.length);
            Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
            System.out.println(
                    Tokens.sign(
                            args[2],
                            Tokens.ISSUER,
                            Tokens.AUDIENCE,
                            now,
                            now.plusSeconds(hours * 3600),
                            Tokens.readPrivateKey(directory.resolve("private.pem")),
                            roles));
            return;
        }
        System.err.println("usage: TokenTool keys DIR | token DIR USER HOURS ROLE...");
        System.exit(2);
    }
}
