package dev.stride.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

    private final Secrets secrets =
            new Secrets(
                    List.of(
                            "https://hooks.slack.com/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX",
                            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                            "sp-api-key-0123456789"));

    @Test
    void masksWholeValuesAndTheSecretPartsOfUrls() {
        assertThat(
                        secrets.mask(
                                "POST https://hooks.slack.com/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX failed"))
                .isEqualTo("POST **** failed");
        assertThat(secrets.mask("no_service for /services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX"))
                .isEqualTo("no_service for ****");
        assertThat(secrets.mask("token XXXXXXXXXXXXXXXXXXXXXXXX rejected"))
                .isEqualTo("token **** rejected");
        assertThat(
                        secrets.mask(
                                "key MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw and OAuth sp-api-key-0123456789"))
                .isEqualTo("key **** and OAuth ****");
        assertThat(secrets.mask("HTTP 500 from channel deploys"))
                .isEqualTo("HTTP 500 from channel deploys");
        assertThat(secrets.mask(null)).isNull();
    }
}
