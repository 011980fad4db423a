package dev.stride.testing;

import dev.stride.kit.security.Tokens;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Tokens for tests: RS256 JWTs signed with the run's key ({@link JwtTestResource}), for the issuer and audience
 * the services expect, naming a caller and their roles. Built by {@link Tokens} (smallrye-jwt-build), the same code
 * that makes {@code deploy/stride token}'s tokens.
 */
public final class TestTokens {

    public static final String ISSUER = Tokens.ISSUER;
    public static final String AUDIENCE = Tokens.AUDIENCE;

    private TestTokens() {}

    /** A token for {@code caller} with {@code roles}, signed with the test run's key. */
    public static String token(String caller, String... roles) {
        String location =
                ConfigProvider.getConfig().getValue(JwtTestResource.PRIVATE_KEY, String.class);
        return token(Path.of(location), caller, roles);
    }

    /** A token signed with the private key in {@code privateKeyPem}. */
    public static String token(Path privateKeyPem, String caller, String... roles) {
        return sign(caller, ISSUER, Tokens.readPrivateKey(privateKeyPem), roles);
    }

    /** The {@code Authorization} header value for such a token. */
    public static String bearer(String caller, String... roles) {
        return "Bearer " + token(caller, roles);
    }

    /** Signs a token with any key, e.g. one the services do not trust. */
    public static String sign(String caller, String issuer, PrivateKey key, String... roles) {
        return sign(caller, issuer, AUDIENCE, 3600, key, roles);
    }

    /** The test run's key, for tokens a test builds itself. */
    public static PrivateKey key() {
        return Tokens.readPrivateKey(
                Path.of(
                        ConfigProvider.getConfig()
                                .getValue(JwtTestResource.PRIVATE_KEY, String.class)));
    }

    /** A token with every claim chosen: a negative {@code lifetimeSeconds} makes one that has expired. */
    public static String sign(
            String caller,
            String issuer,
            String audience,
            long lifetimeSeconds,
            PrivateKey key,
            String... roles) {
        long now = Instant.now().getEpochSecond();
        Instant issuedAt = Instant.ofEpochSecond(now + Math.min(0, lifetimeSeconds) - 60);
        Instant expiresAt = Instant.ofEpochSecond(now + lifetimeSeconds);
        return Tokens.sign(caller, issuer, audience, issuedAt, expiresAt, key, List.of(roles));
    }
}
