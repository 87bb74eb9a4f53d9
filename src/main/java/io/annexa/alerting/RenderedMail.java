package io.annexa.alerting;

public record RenderedMail(String subject, String text, String html) {
}
