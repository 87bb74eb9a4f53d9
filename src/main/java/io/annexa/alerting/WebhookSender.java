package io.annexa.alerting;

import java.time.Clock;
import java.time.Duration;

/** Stand-in of the delivery branch's sender, to be replaced at merge: sends nothing and says so. */
public final class WebhookSender implements AlertSender {

    public WebhookSender(TargetPolicy policy, Clock clock, Duration timeout) {
    }

    @Override
    public DeliveryOutcome send(String deliveryId, Notification notification, ReceiverConfig receiver) {
        return new DeliveryOutcome.Permanent("webhook sending is not part of this build");
    }
}
