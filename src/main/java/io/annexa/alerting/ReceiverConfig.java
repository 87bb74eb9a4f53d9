package io.annexa.alerting;

public record ReceiverConfig(String name, WebhookConfig webhook, EmailConfig email) {
}
