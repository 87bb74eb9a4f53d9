package io.annexa.alerting;

import java.time.Duration;

public sealed interface DeliveryOutcome {
    record Delivered(int status) implements DeliveryOutcome {}
    record Retry(String reason, Duration retryAfter /* nullable: from Retry-After */) implements DeliveryOutcome {}
    record Permanent(String reason) implements DeliveryOutcome {}
    record Gone(String reason) implements DeliveryOutcome {}
}
