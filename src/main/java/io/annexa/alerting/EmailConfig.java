package io.annexa.alerting;

import java.util.List;

/** The addresses one mail goes to. */
public record EmailConfig(List<String> to) {

    public EmailConfig {
        to = List.copyOf(to);
        if (to.isEmpty()) {
            throw new IllegalArgumentException("an email receiver needs at least one address");
        }
    }
}
