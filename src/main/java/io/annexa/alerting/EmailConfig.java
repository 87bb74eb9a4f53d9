package io.annexa.alerting;

import java.util.List;

/** The addresses an e-mail receiver sends to. */
public record EmailConfig(List<String> to) {
}
