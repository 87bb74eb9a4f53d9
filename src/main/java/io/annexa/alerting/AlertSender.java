package io.annexa.alerting;

/** Delivers a notification to one receiver, once; retrying is the dispatcher's business. */
public interface AlertSender {

    /** deliveryId is the Standard Webhooks webhook-id: the same on every redelivery. */
    DeliveryOutcome send(String deliveryId, Notification notification, ReceiverConfig receiver);
}
