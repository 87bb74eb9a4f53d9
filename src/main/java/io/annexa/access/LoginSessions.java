package io.annexa.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's sign-in sessions, held in this process's memory only: a restart signs everybody out,
 * and two Annexa processes do not share them. A session ends when it was idle for {@code idleTimeout},
 * when it reaches {@code maxLifetime} however busy it is, when it is signed out, or when its user's
 * password changes or the user is disabled.
 *
 * <p>A session id is 256 random bits, handed out once (in the cookie) and filed under its SHA-256, so the
 * table holds nothing a cookie could be made from. The number of sessions is bounded: beyond
 * {@link #MAX_SESSIONS} the ones that are over are dropped, and then the longest idle.
 */
public final class LoginSessions {

    static final int MAX_SESSIONS = 10_000;
    /** Sessions one user may hold at once (browsers, devices); a further sign-in ends their longest idle one. */
    static final int MAX_PER_USER = 20;
    private static final int RANDOM_BYTES = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final Duration idleTimeout;
    private final Duration maxLifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, LoginSession> sessions = new ConcurrentHashMap<>();

    /** A session just started, with the id that goes into its cookie: the only time the id is seen. */
    public record Started(String id, LoginSession session) {
    }

    public LoginSessions(Duration idleTimeout, Duration maxLifetime, Clock clock) {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("a session's idle timeout and lifetime must be positive, not " + idleTimeout + " and " + maxLifetime);
        }
        this.idleTimeout = idleTimeout;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    public Started start(String user) {
        return start(user, clock.instant());
    }

    /**
     * @param credentialsCheckedAt when the password was read to be checked (see {@link LoginSession#credentialsCheckedAt})
     */
    public Started start(String user, Instant credentialsCheckedAt) {
        Instant now = clock.instant();
        String id = randomText();
        LoginSession session = new LoginSession(digest(id), user, randomText(), now, now.plus(maxLifetime), credentialsCheckedAt);
        // one user cannot crowd the others out: past MAX_PER_USER their own longest idle session goes first
        synchronized (this) {
            List<LoginSession> own = sessions.values().stream().filter(s -> s.user().equals(user))
                    .sorted(Comparator.comparing(LoginSession::lastSeenAt)).toList();
            for (int i = 0; i <= own.size() - MAX_PER_USER; i++) {
                sessions.remove(own.get(i).key(), own.get(i));
            }
            if (sessions.size() >= MAX_SESSIONS) {
                makeRoom(now);
            }
            sessions.put(session.key(), session);
        }
        return new Started(id, session);
    }

    /** The live session a cookie names, marked as used now; empty when it is unknown, over or signed out. */
    public Optional<LoginSession> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        String key = digest(id);
        LoginSession session = sessions.get(key);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (session.isOver(now, idleTimeout)) {
            sessions.remove(key, session);
            return Optional.empty();
        }
        session.seen(now);
        return Optional.of(session);
    }

    /** Signs a session out; false when it had already ended. */
    public boolean end(LoginSession session) {
        return sessions.remove(session.key(), session);
    }

    /** Signs a user out everywhere (their password changed, or they were disabled); how many sessions ended. */
    public int endAllOf(String user) {
        int[] ended = {0};
        sessions.values().removeIf(s -> {
            boolean theirs = s.user().equals(user);
            ended[0] += theirs ? 1 : 0;
            return theirs;
        });
        return ended[0];
    }

    /** How many sessions are held, including any that are over but were not looked at since. */
    public int size() {
        return sessions.size();
    }

    private synchronized void makeRoom(Instant now) {
        sessions.values().removeIf(s -> s.isOver(now, idleTimeout));
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(Comparator.comparing(LoginSession::lastSeenAt))
                    .ifPresent(oldest -> sessions.remove(oldest.key(), oldest));
        }
    }

    private String randomText() {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String digest(String id) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
