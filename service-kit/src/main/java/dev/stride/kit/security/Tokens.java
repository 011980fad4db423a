package dev.stride.kit.security;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.UUID;

/**
 * RS256 tokens the services accept, built with smallrye-jwt-build, and the PEM key files they are signed with. One
 * place for the claims Stride reads (issuer, audience, {@code sub} and {@code upn} naming the caller, roles in
 * {@code groups}), used by the tests ({@code dev.stride.testing.TestTokens}) and by {@code deploy/stride token}
 * ({@link TokenTool}), so both mint the same tokens.
 */
public final class Tokens {

    /** The issuer the services trust by default ({@code mp.jwt.verify.issuer}). */
    public static final String ISSUER = "https://stride.local";

    /** The audience the services expect ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "stride";

    private Tokens() {}

    /**
     * A signed token for {@code caller} with {@code roles}, valid from {@code issuedAt} to {@code expiresAt} (both
     * may lie in the past, for tokens that have expired).
     */
    public static String sign(
            String caller,
            String issuer,
            String audience,
            Instant issuedAt,
            Instant expiresAt,
            PrivateKey key,
            Collection<String> roles) {
        return Jwt.claims()
                .issuer(issuer)
                .audience(audience)
                .subject(caller)
                .upn(caller)
                .groups(new LinkedHashSet<>(roles))
                .issuedAt(issuedAt)
                .expiresAt(expiresAt)
                .claim("jti", UUID.randomUUID().toString())
                .jws()
                .algorithm(SignatureAlgorithm.RS256)
                .header("typ", "JWT")
                .sign(key);
    }

    /** Reads an RSA private key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}). */
    public static PrivateKey readPrivateKey(Path pem) {
        try {
            String body =
                    Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public half of an RSA private key read by {@link #readPrivateKey}. */
    public static PublicKey publicKeyOf(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("not an RSA private key with its public exponent");
        }
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(
                            new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new 2048-bit RSA key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code private.pem} (PKCS#8, readable by the owner only where the file system allows) unless it
     * exists, then {@code public.pem} (X.509 SubjectPublicKeyInfo) from it unless that exists: the layout
     * {@code openssl genpkey} and {@code openssl pkey -pubout} make.
     *
     * @return true if a new private key was made
     */
    public static boolean ensureKeyFiles(Path directory) {
        try {
            Files.createDirectories(directory);
            Path privateKey = directory.resolve("private.pem");
            Path publicKey = directory.resolve("public.pem");
            boolean made = false;
            if (!Files.exists(privateKey) || Files.size(privateKey) == 0) {
                KeyPair pair = newKeyPair();
                Path temp = directory.resolve("private.pem.tmp");
                Files.deleteIfExists(temp);
                try {
                    Files.createFile(
                            temp,
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(temp);
                }
                Files.writeString(temp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                Files.move(temp, privateKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(publicKey);
                made = true;
            }
            if (!Files.exists(publicKey) || Files.size(publicKey) == 0) {
                PublicKey key = publicKeyOf(readPrivateKey(privateKey));
                Files.writeString(publicKey, pem("PUBLIC KEY", key.getEncoded()));
            }
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PEM text of a DER-encoded key, in lines of 64 characters. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }
}
