package dev.stride.notifier.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void matchesTheStandardWebhooksReferenceVector() {
        // The example of the Standard Webhooks specification and its reference libraries.
        WebhookSignature signature = new WebhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        assertThat(
                        signature.sign(
                                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                1614265330,
                                "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void refusesASecretThatIsNotWhsecBase64WithoutRepeatingIt() {
        // Made up for this test, never a real secret.
        String plain = "test-only-" + java.util.UUID.randomUUID();
        assertThatThrownBy(() -> new WebhookSignature(plain))
                .hasMessageNotContaining(plain)
                .hasMessageContaining("whsec_");
        assertThatThrownBy(() -> new WebhookSignature("whsec_not*base64!"))
                .hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> new WebhookSignature("whsec_c2hvcnQ="))
                .hasMessageContaining("16 bytes");
    }
}
