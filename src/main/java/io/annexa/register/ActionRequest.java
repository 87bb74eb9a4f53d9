package io.annexa.register;

import java.time.Instant;

/**
 * What a person sends with a lifecycle action, already parsed; which fields an action needs is checked by the
 * register ({@link LifecycleRules}). {@code bodyHash} is the SHA-256 of the request body as received, kept in the
 * audit trail.
 */
public record ActionRequest(String comment, String rootCause, String correction, String correctiveAction, Instant due,
                            String owner, String requestedBy, String justification, Instant expires, String reason,
                            Long expectedVersion, String bodyHash) {

    public static ActionRequest comment(String comment) {
        return new ActionRequest(comment, null, null, null, null, null, null, null, null, null, null, null);
    }
}
