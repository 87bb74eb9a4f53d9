package io.annexa.alerting;

import java.util.Objects;

/** A named destination: exactly one of {@code webhook} and {@code email} is set. */
public record ReceiverConfig(String name, WebhookConfig webhook, EmailConfig email) {

    public ReceiverConfig {
        Objects.requireNonNull(name, "name");
        if ((webhook == null) == (email == null)) {
            throw new IllegalArgumentException("receiver " + name + " needs exactly one of webhook and email");
        }
    }
}
