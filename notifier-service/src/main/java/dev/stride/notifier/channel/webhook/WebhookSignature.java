package dev.stride.notifier.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: HMAC-SHA256 over {@code <webhook-id>.<webhook-timestamp>.<body>} with the secret's
 * bytes (the base64 after {@code whsec_}), sent as {@code webhook-signature: v1,<base64>}.
 */
public final class WebhookSignature {

    public static final String PREFIX = "whsec_";

    private final SecretKeySpec key;

    /** Throws {@link IllegalArgumentException} (without the secret in its message) if it is not {@code whsec_<base64>}. */
    public WebhookSignature(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException(
                    "the signing secret must be whsec_ followed by base64");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signing secret after whsec_ is not base64");
        }
        if (bytes.length < 16) {
            throw new IllegalArgumentException("the signing secret must hold at least 16 bytes");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** The {@code webhook-signature} header value. */
    public String sign(String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest =
                    mac.doFinal(
                            (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
