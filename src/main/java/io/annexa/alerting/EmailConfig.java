package io.annexa.alerting;

import java.util.List;

public record EmailConfig(List<String> to) {
}
