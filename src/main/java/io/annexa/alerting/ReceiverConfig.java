package io.annexa.alerting;

/** A named receiver of alerts; either kind may be absent. */
public record ReceiverConfig(String name, WebhookConfig webhook /* nullable */, EmailConfig email /* nullable */) {
}
