package io.annexa.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    /** The example of the Standard Webhooks specification and its reference libraries. */
    @Test
    void signsTheStandardWebhooksReferenceExampleAsTheSpecificationDoes() {
        String signature = WebhookSignature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void theWhsecPrefixIsOptional() {
        assertThat(WebhookSignature.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> WebhookSignature.sign("whsec_not-base64-$ecret!", "id", 1L, "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whsec_")
                .hasMessageNotContaining("not-base64")
                .hasMessageNotContaining("$ecret");
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> WebhookSignature.sign("whsec_", "id", 1L, "{}")).hasMessageContaining("empty");
    }
}
