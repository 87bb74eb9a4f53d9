package io.annexa.alerting;

import java.net.URI;

public record WebhookConfig(URI url, String secret, String format) {
}
