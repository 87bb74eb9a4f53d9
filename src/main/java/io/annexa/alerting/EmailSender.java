package io.annexa.alerting;

/** Stand-in of the delivery branch's sender, to be replaced at merge: sends nothing and says so. */
public final class EmailSender implements AlertSender {

    public EmailSender(SmtpSettings smtp, AlertTemplates templates) {
    }

    @Override
    public DeliveryOutcome send(String deliveryId, Notification notification, ReceiverConfig receiver) {
        return new DeliveryOutcome.Permanent("e-mail sending is not part of this build");
    }
}
