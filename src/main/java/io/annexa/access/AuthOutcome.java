package io.annexa.access;

import java.time.Duration;

/** The result of checking a request's credentials. */
public sealed interface AuthOutcome {

    /** No credentials were sent. */
    record Anonymous() implements AuthOutcome {
    }

    /** The credentials are valid. */
    record Authenticated(Caller caller) implements AuthOutcome {
    }

    /** The credentials are wrong, expired or malformed; the message never repeats the secret. */
    record Rejected(String message) implements AuthOutcome {
    }

    /** Too many failed attempts for this user or from this address: try again after {@code retryAfter}. */
    record Throttled(String message, Duration retryAfter) implements AuthOutcome {
    }
}
