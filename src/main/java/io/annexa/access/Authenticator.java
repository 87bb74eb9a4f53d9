package io.annexa.access;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the {@code Authorization} header of a request: HTTP Basic (user name and password) for people
 * and scripts, {@code Bearer <token>} for API tokens; and the web console's sign-in (a user name and
 * password given once, {@link #signIn}) and the session cookie it gets ({@link #session}).
 *
 * <p>Failed password checks count against the user name and the client address, whether they came as
 * Basic credentials or as a sign-in, and a blocked user or address is refused even the right password.
 * Tokens and session ids are 256 random bits that nobody can guess, so they are not refused for their
 * address: a valid token still works from an address that others (behind the same proxy, say) blocked
 * by guessing passwords. A wrong token still counts as a failure of its address.
 *
 * <p>A password check costs about a third of a second by design, and scripts send Basic credentials
 * with every request. So a successful check is remembered for {@link #VERIFIED_FOR}, keyed by an HMAC
 * of name and password under a key that exists only in this process's memory (nothing that could be
 * cracked offline is kept), and forgotten as soon as any user changes.
 */
public final class Authenticator {

    static final Duration VERIFIED_FOR = Duration.ofMinutes(5);
    private static final int MAX_VERIFIED = 1_000;
    private static final Duration LAST_USE_PRECISION = Duration.ofMinutes(1);
    private static final int MAX_HEADER_LENGTH = 4_096;

    private final AccessStore store;
    private final PasswordHasher hasher;
    private final LoginThrottle perUser;
    private final LoginThrottle perAddress;
    private final Clock clock;
    private final LoginSessions sessions;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private final Map<Long, Instant> lastUseWritten = new ConcurrentHashMap<>();

    /** When each user's password last changed or the user was disabled, since start: checks begun before are void. */
    private final Map<String, Instant> credentialsChanged = new java.util.concurrent.ConcurrentHashMap<>();

    private record Verified(String user, Instant until, Instant checkedAt) {
    }

    public Authenticator(AccessStore store, PasswordHasher hasher, LoginThrottle perUser, LoginThrottle perAddress,
            LoginSessions sessions, Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.hasher = hasher;
        this.perUser = perUser;
        this.perAddress = perAddress;
        this.clock = clock;
        new SecureRandom().nextBytes(cacheKey);
    }

    public AuthOutcome authenticate(String authorization, String address) {
        if (authorization == null || authorization.isBlank()) {
            return new AuthOutcome.Anonymous();
        }
        if (authorization.length() > MAX_HEADER_LENGTH) {
            return new AuthOutcome.Rejected("the Authorization header is longer than " + MAX_HEADER_LENGTH + " characters");
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String value = space < 0 ? "" : header.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Basic")) {
            return addressBlocked(address).orElseGet(() -> basic(value, address));
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            return bearer(value, address);
        }
        return new AuthOutcome.Rejected("the Authorization scheme must be Basic or Bearer");
    }

    /**
     * A user name and password given to sign in to a session, throttled exactly like Basic credentials. On
     * success the caller starts the session ({@link #sessions()}); this only checks.
     */
    public AuthOutcome signIn(String name, String password, String address) {
        Optional<AuthOutcome> blocked = addressBlocked(address);
        if (blocked.isPresent()) {
            return blocked.get();
        }
        if (name == null || name.isBlank() || password == null || password.isEmpty()) {
            // nothing was guessed: not counted
            return new AuthOutcome.Rejected("signing in needs a username and a password");
        }
        if (name.length() > MAX_HEADER_LENGTH || password.length() > MAX_HEADER_LENGTH) {
            return reject(null, address, "the username or password is longer than " + MAX_HEADER_LENGTH + " characters");
        }
        char[] secret = password.toCharArray();
        try {
            return password(name, secret, address);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /**
     * Signs in to a session: the password is checked as by {@link #signIn}, and on success a session is started that
     * is bound to that check, so a password change or a disabling that happens while the check runs ends it too.
     *
     * @return the outcome, and the session started when it is {@link AuthOutcome.Authenticated}
     */
    public SessionSignIn signInToSession(String name, String password, String address) {
        Instant checkedAt = clock.instant();
        AuthOutcome outcome = signIn(name, password, address);
        if (!(outcome instanceof AuthOutcome.Authenticated authenticated)) {
            return new SessionSignIn(outcome, null);
        }
        LoginSessions.Started started = sessions.start(authenticated.caller().name(), checkedAt);
        if (!current(authenticated.caller().name(), checkedAt)) {
            sessions.end(started.session());
            return new SessionSignIn(new AuthOutcome.Rejected("the user changed while signing in: sign in again"), null);
        }
        return new SessionSignIn(new AuthOutcome.Authenticated(authenticated.caller(), started.session()), started);
    }

    /** A session sign-in's outcome, with the session (and the id for its cookie) when it succeeded. */
    public record SessionSignIn(AuthOutcome outcome, LoginSessions.Started started) {
    }

    /**
     * No password change or disabling of the user after {@code checkedAt}. The change is noted once it is committed,
     * so a check that began at that instant or later read the changed user.
     */
    private boolean current(String user, Instant checkedAt) {
        Instant changed = credentialsChanged.get(user);
        return changed == null || !checkedAt.isBefore(changed);
    }

    /**
     * The session a cookie names, for its user with the role the user has now: a role changed since the
     * sign-in applies at once, and a disabled user's session ends.
     */
    public AuthOutcome session(String id) {
        Optional<LoginSession> found = sessions.find(id);
        if (found.isEmpty()) {
            return new AuthOutcome.Rejected("the session cookie names no current session (it expired, was signed out, or Annexa"
                    + " restarted): sign in again");
        }
        LoginSession session = found.get();
        Optional<UserAccount> user = store.user(session.user()).filter(u -> !u.isDisabled());
        if (user.isEmpty() || !current(session.user(), session.credentialsCheckedAt())) {
            sessions.end(session);
            return new AuthOutcome.Rejected("the session's user is disabled or deleted");
        }
        return new AuthOutcome.Authenticated(new Caller(session.user(), user.get().getRole(), null), session);
    }

    public LoginSessions sessions() {
        return sessions;
    }

    private Optional<AuthOutcome> addressBlocked(String address) {
        return perAddress.blocked(address).map(wait -> throttled("too many failed sign-ins from " + address, wait));
    }

    private AuthOutcome basic(String encoded, String address) {
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64.getDecoder().decode(encoded))).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return reject(null, address, "Basic credentials must be base64 of name:password in UTF-8");
        }
        int colon = decoded.indexOf(':');
        if (colon < 1) {
            return reject(null, address, "Basic credentials must be base64 of name:password");
        }
        char[] password = decoded.substring(colon + 1).toCharArray();
        try {
            return password(decoded.substring(0, colon), password, address);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** A user name and password, whichever way they came; the caller has checked the address is not blocked. */
    private AuthOutcome password(String name, char[] password, String address) {
        Optional<Duration> userWait = perUser.blocked(name);
        if (userWait.isPresent()) {
            return throttled("too many failed sign-ins for user " + name, userWait.get());
        }
        // read before the user is: a change to the user from here on makes this check void (see current)
        Instant checkedAt = clock.instant();
        String cacheEntry = cacheKeyOf(name, password);
        Verified known = verified.get(cacheEntry);
        Instant now = checkedAt;
        if (known != null && now.isBefore(known.until()) && current(name, known.checkedAt())) {
            Optional<UserAccount> user = store.user(name).filter(u -> !u.isDisabled());
            if (user.isPresent()) {
                return new AuthOutcome.Authenticated(new Caller(name, user.get().getRole(), null));
            }
        }
        Optional<UserAccount> user = store.user(name);
        boolean matches = hasher.verify(password, user.map(UserAccount::getPasswordHash).orElse(PasswordHasher.DECOY_HASH));
        if (user.isEmpty() || !matches || user.get().isDisabled()) {
            return reject(name, address, "wrong user name or password, or the user is disabled");
        }
        perUser.succeeded(name);
        if (!current(name, checkedAt)) {
            // the password was changed or the user disabled while the hash was computed: the old password is void
            return new AuthOutcome.Rejected("the user changed while signing in: sign in again");
        }
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
        }
        verified.put(cacheEntry, new Verified(name, now.plus(VERIFIED_FOR), checkedAt));
        return new AuthOutcome.Authenticated(new Caller(name, user.get().getRole(), null));
    }

    private AuthOutcome bearer(String token, String address) {
        if (!TokenSecret.looksLikeToken(token)) {
            return reject(null, address, "the bearer token is not an Annexa API token");
        }
        Optional<ApiToken> found = store.tokenByHash(TokenSecret.digest(token));
        Instant now = clock.instant();
        if (found.isEmpty()) {
            return reject(null, address, "unknown or deleted API token");
        }
        ApiToken apiToken = found.get();
        if (apiToken.isExpired(now)) {
            return reject(null, address, "API token " + apiToken.getId() + " expired at " + apiToken.getExpiresAt());
        }
        Optional<UserAccount> user = store.user(apiToken.getUserName()).filter(u -> !u.isDisabled());
        if (user.isEmpty()) {
            return reject(null, address, "API token " + apiToken.getId() + " belongs to a disabled or deleted user");
        }
        Role role = user.get().getRole().includes(apiToken.getRole()) ? apiToken.getRole() : user.get().getRole();
        recordUse(apiToken, now);
        return new AuthOutcome.Authenticated(new Caller(apiToken.getUserName(), role, apiToken.getId()));
    }

    /** Last use is kept to the minute, so a busy script does not write to the database on every request. */
    private void recordUse(ApiToken token, Instant now) {
        Instant written = lastUseWritten.get(token.getId());
        if (written == null || !now.isBefore(written.plus(LAST_USE_PRECISION))) {
            lastUseWritten.put(token.getId(), now);
            token.setLastUsedAt(now);
            store.save(token);
        }
    }

    /** Forget remembered password checks: a user's password, role or state changed. */
    public void forgetVerified() {
        verified.clear();
    }

    /** A user's password changed or the user was disabled: their sessions end, and remembered checks are forgotten. */
    public void signOutEverywhere(String user) {
        credentialsChanged.put(user, clock.instant());
        verified.clear();
        sessions.endAllOf(user);
    }

    private AuthOutcome reject(String user, String address, String message) {
        if (user != null) {
            perUser.failed(user);
        }
        perAddress.failed(address);
        return new AuthOutcome.Rejected(message);
    }

    private static AuthOutcome throttled(String message, Duration wait) {
        long seconds = Math.max(1, wait.toSeconds() + (wait.toMillisPart() > 0 ? 1 : 0));
        return new AuthOutcome.Throttled(message + "; try again in " + seconds + " s", Duration.ofSeconds(seconds));
    }

    private String cacheKeyOf(String name, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            mac.update(bytes);
            Arrays.fill(bytes.array(), (byte) 0);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
