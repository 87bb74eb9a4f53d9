package io.annexa.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

/**
 * One signed-in browser: whose it is, when it ends, and the CSRF token its state-changing requests must
 * repeat in a header. The session's own id is not kept here, only its digest (the key {@link LoginSessions}
 * files it under), so nothing in memory can be replayed as a cookie.
 */
public final class LoginSession {

    private final String key;
    private final String user;
    private final String csrfToken;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final Instant credentialsCheckedAt;
    private volatile Instant lastSeenAt;

    LoginSession(String key, String user, String csrfToken, Instant createdAt, Instant expiresAt, Instant credentialsCheckedAt) {
        this.key = key;
        this.credentialsCheckedAt = credentialsCheckedAt;
        this.user = user;
        this.csrfToken = csrfToken;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.lastSeenAt = createdAt;
    }

    String key() {
        return key;
    }

    public String user() {
        return user;
    }

    /** The token a request signed in by this session repeats in {@code X-CSRF-Token} to change anything. */
    public String csrfToken() {
        return csrfToken;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** When the password it was started with was read to be checked: a change to the user after that ends it. */
    public Instant credentialsCheckedAt() {
        return credentialsCheckedAt;
    }

    /** The end of its absolute lifetime, however busy it is. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant lastSeenAt() {
        return lastSeenAt;
    }

    void seen(Instant now) {
        lastSeenAt = now;
    }

    boolean isOver(Instant now, Duration idleTimeout) {
        return !now.isBefore(expiresAt) || !now.isBefore(lastSeenAt.plus(idleTimeout));
    }

    /**
     * Whether {@code presented} is this session's CSRF token. The comparison takes the same time wherever the
     * first difference is, so the token cannot be found a character at a time by timing the answers.
     */
    public boolean csrfMatches(String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8), presented.strip().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        // never the CSRF token: a session may end up in a log line
        return "session of " + user + " since " + createdAt;
    }
}
