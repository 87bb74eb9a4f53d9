package io.annexa.alerting;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature: {@code v1,<base64 HMAC-SHA256 over "id.timestamp.body">}, keyed with the
 * base64-decoded bytes of the secret after its {@code whsec_} prefix.
 *
 * <p>Written on the JDK's {@link Mac}: the official Java library's release on Maven Central
 * (com.standardwebhooks:standardwebhooks 1.0.0) is a jar without classes, and the algorithm is a single HMAC.
 */
public final class WebhookSignature {

    static final String PREFIX = "whsec_";
    private static final String HMAC_SHA256 = "HmacSHA256";

    private WebhookSignature() {
    }

    /**
     * @param secret {@code whsec_<base64>}; the prefix may be left out
     * @param timestamp unix seconds, the value of the {@code webhook-timestamp} header
     * @return the value of the {@code webhook-signature} header
     * @throws IllegalArgumentException when the secret is not base64 or empty; the message never shows the secret
     */
    public static String sign(String secret, String id, long timestamp, String body) {
        byte[] key = key(secret);
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is a mandatory JDK algorithm; a failure here is a broken runtime, not a bad secret
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] key(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("no webhook secret");
        }
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            // the decoder's own message quotes the offending character of the secret: not passed on
            throw new IllegalArgumentException("the webhook secret is not whsec_ followed by base64");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        return key;
    }
}
