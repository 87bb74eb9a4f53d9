package io.annexa.alerting;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The delivery part's sender as the dispatcher sees it: records each attempt (the webhook-id and what it carried) and
 * answers with the outcomes a test lines up, then with Delivered(200).
 */
final class RecordingSender implements AlertSender {

    record Attempt(String deliveryId, Notification notification, ReceiverConfig receiver) {
    }

    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Deque<DeliveryOutcome> outcomes = new ArrayDeque<>();

    synchronized RecordingSender then(DeliveryOutcome... next) {
        outcomes.addAll(List.of(next));
        return this;
    }

    @Override
    public DeliveryOutcome send(String deliveryId, Notification notification, ReceiverConfig receiver) {
        attempts.add(new Attempt(deliveryId, notification, receiver));
        synchronized (this) {
            return outcomes.isEmpty() ? new DeliveryOutcome.Delivered(200) : outcomes.poll();
        }
    }

    List<String> ids() {
        return attempts.stream().map(Attempt::deliveryId).toList();
    }
}
