package io.annexa.access;

import java.time.Duration;

/** The result of checking a request's credentials. */
public sealed interface AuthOutcome {

    /** No credentials were sent. */
    record Anonymous() implements AuthOutcome {
    }

    /**
     * The credentials are valid. {@code session} is the sign-in session when the request was signed in by its
     * cookie (an ambient credential, which the browser sends by itself), null for Basic and Bearer.
     */
    record Authenticated(Caller caller, LoginSession session) implements AuthOutcome {
        public Authenticated(Caller caller) {
            this(caller, null);
        }
    }

    /** The credentials are wrong, expired or malformed; the message never repeats the secret. */
    record Rejected(String message) implements AuthOutcome {
    }

    /** Too many failed attempts for this user or from this address: try again after {@code retryAfter}. */
    record Throttled(String message, Duration retryAfter) implements AuthOutcome {
    }
}
