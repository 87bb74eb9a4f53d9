package io.annexa.alerting;

import java.time.Duration;

/** What one attempt to deliver a notification came to; the dispatcher schedules from it. */
public sealed interface DeliveryOutcome {

    /** The receiver took it (2xx, or the SMTP server accepted the message). */
    record Delivered(int status) implements DeliveryOutcome {
    }

    /** Worth trying again: 408, 429, 5xx, timeouts, connection errors. */
    record Retry(String reason, Duration retryAfter /* nullable: from Retry-After */) implements DeliveryOutcome {
    }

    /** Trying again cannot help: 4xx other than 408/429, redirects, a bad target, an address the policy refuses. */
    record Permanent(String reason) implements DeliveryOutcome {
    }

    /** 410: the receiver asked not to be sent to any more; the dispatcher disables it. */
    record Gone(String reason) implements DeliveryOutcome {
    }
}
