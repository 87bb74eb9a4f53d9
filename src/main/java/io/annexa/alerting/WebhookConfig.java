package io.annexa.alerting;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how to post: {@code secret} is the resolved Standard Webhooks secret ({@code whsec_} + base64), or null for
 * an unsigned Slack/Teams incoming webhook; {@code format} is one of {@link #FORMATS}
 * ({@code standard} when null).
 */
public record WebhookConfig(URI url, String secret, String format) {

    public static final Set<String> FORMATS = Set.of("standard", "slack", "teams");

    public WebhookConfig {
        Objects.requireNonNull(url, "url");
        format = format == null ? "standard" : format;
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("format must be one of standard, slack, teams");
        }
    }

    /** Never shows the secret nor the URL's query (Slack and Teams URLs carry their token in the path or query). */
    @Override
    public String toString() {
        return "WebhookConfig[url=" + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + "/…, secret=" + (secret == null ? "none" : "***") + ", format=" + format + "]";
    }
}
