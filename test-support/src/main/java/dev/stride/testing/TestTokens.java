package dev.stride.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Tokens for tests: RS256 JWTs signed with the run's key ({@link JwtTestResource}), for the issuer and audience
 * the services expect, naming a caller and their roles.
 */
public final class TestTokens {

    public static final String ISSUER = "https://stride.local";
    public static final String AUDIENCE = "stride";

    private TestTokens() {
    }

    /** A token for {@code caller} with {@code roles}, signed with the test run's key. */
    public static String token(String caller, String... roles) {
        String location = ConfigProvider.getConfig().getValue(JwtTestResource.PRIVATE_KEY, String.class);
        return token(Path.of(location), caller, roles);
    }

    /** A token signed with the private key in {@code privateKeyPem}. */
    public static String token(Path privateKeyPem, String caller, String... roles) {
        return sign(caller, ISSUER, readKey(privateKeyPem), roles);
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
        return readKey(Path.of(ConfigProvider.getConfig().getValue(JwtTestResource.PRIVATE_KEY, String.class)));
    }

    /** A token with every claim chosen: a negative {@code lifetimeSeconds} makes one that has expired. */
    public static String sign(String caller, String issuer, String audience, long lifetimeSeconds, PrivateKey key,
            String... roles) {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String groups = Stream.of(roles).map(r -> "\"" + r + "\"").collect(Collectors.joining(","));
        String payload = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":\"" + caller
                + "\",\"upn\":\"" + caller + "\",\"groups\":[" + groups + "],\"iat\":" + (now + Math.min(0, lifetimeSeconds) - 60)
                + ",\"exp\":" + (now + lifetimeSeconds) + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        String signingInput = base64(header) + "." + base64(payload);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey readKey(Path pem) {
        try {
            String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
