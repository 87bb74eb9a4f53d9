package io.annexa.alerting;

import java.io.IOException;
import java.nio.file.Path;

/** Stand-in of the delivery branch's templates, to be replaced at merge: renders nothing. */
public final class AlertTemplates {

    private AlertTemplates() {
    }

    public static AlertTemplates load(Path templatesDir) throws IOException {
        return new AlertTemplates();
    }

    public RenderedMail render(Notification n) {
        throw new UnsupportedOperationException("mail templates come with the delivery part");
    }
}
