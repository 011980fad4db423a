package dev.stride.testing;

import dev.stride.kit.security.Tokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * A signing key pair made for one test run: the application trusts its public key; tests sign their own tokens
 * with its private key ({@link TestTokens}), found through the config key {@value #PRIVATE_KEY}.
 */
public class JwtTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String PRIVATE_KEY = "stride.test.jwt.private-key-location";

    private Path directory;

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            directory = Files.createTempDirectory("stride-jwt");
            Path publicKey = directory.resolve("public.pem");
            Path privateKey = directory.resolve("private.pem");
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            return Map.of(
                    "mp.jwt.verify.publickey.location",
                    "file:" + publicKey,
                    PRIVATE_KEY,
                    privateKey.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (directory == null) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            System.err.println("Could not remove test keys in " + directory + ": " + e);
        }
    }

    static String pem(String type, byte[] der) {
        return Tokens.pem(type, der);
    }
}
