package io.annexa.alerting;

/** An alert e-mail as the templates made it: the subject line, the plain-text part and the HTML part. */
public record RenderedMail(String subject, String text, String html) {
}
