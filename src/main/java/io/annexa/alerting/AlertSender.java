package io.annexa.alerting;

public interface AlertSender {
    /** deliveryId is the Standard Webhooks webhook-id: the same on every redelivery. */
    DeliveryOutcome send(String deliveryId, Notification notification, ReceiverConfig receiver);
}
