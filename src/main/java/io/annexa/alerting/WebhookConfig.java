package io.annexa.alerting;

import java.net.URI;

/**
 * Where a webhook receiver posts, and how.
 *
 * @param secret the resolved signing secret ({@code whsec_...}) or null for an unsigned receiver
 * @param format standard, slack or teams
 */
public record WebhookConfig(URI url, String secret /* resolved "whsec_..." or null */, String format /* standard|slack|teams */) {

    /**
     * Shows neither the secret nor the URL's path and query: Slack and Teams incoming-webhook URLs carry their
     * credential in the path, so only the origin is safe to log.
     */
    @Override
    public String toString() {
        String origin = url == null ? "null"
                : url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        return "WebhookConfig[url=" + origin + ", secret=" + (secret == null ? "none" : "***") + ", format=" + format + "]";
    }
}
