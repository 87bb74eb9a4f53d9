package io.annexa.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Managing users and API tokens: the rules that keep access sane. Names are plain, passwords long
 * enough, a token never carries more power than its user, and the last enabled admin cannot be
 * disabled or demoted (nobody could manage Annexa any more). Problems are {@link IllegalArgumentException}s
 * naming the field.
 */
public final class AccessAdministration {

    private static final Pattern USER_NAME = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
    static final int MAX_TOKEN_DAYS = 366;
    static final int DEFAULT_TOKEN_DAYS = 90;

    private final AccessStore store;
    private final PasswordHasher hasher;
    private final Authenticator authenticator;
    private final Clock clock;

    /** A token just made: the only time its value is seen. */
    public record NewToken(ApiToken token, String secret) {
    }

    public AccessAdministration(AccessStore store, PasswordHasher hasher, Authenticator authenticator, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    public List<UserAccount> users() {
        return store.users();
    }

    public Optional<UserAccount> user(String name) {
        return store.user(name);
    }

    public synchronized UserAccount createUser(String name, String password, String role) {
        if (name == null || !USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + shorten(name) + "' must be 1-64 characters: lower-case letters, digits, '.', '_', '-', starting with a letter");
        }
        requireStrong(password);
        Role parsed = parseRole(role);
        if (store.user(name).isPresent()) {
            throw new IllegalStateException("user '" + name + "' already exists");
        }
        return store.save(new UserAccount(name, hasher.hash(password.toCharArray()), parsed, clock.instant()));
    }

    /** Changes what is given (null leaves it as it is). A new password or disabling ends the user's sessions. */
    public synchronized UserAccount updateUser(String name, String role, String password, Boolean disabled) {
        UserAccount user = store.user(name).orElseThrow(() -> new NoSuchElementException("no user '" + name + "'"));
        Instant now = clock.instant();
        boolean losesAdmin = (role != null && parseRole(role) != Role.ADMIN) || Boolean.TRUE.equals(disabled);
        if (losesAdmin && user.getRole() == Role.ADMIN && !user.isDisabled() && enabledAdmins() == 1) {
            throw new IllegalStateException("user '" + name + "' is the last enabled admin: make another admin first");
        }
        if (role != null) {
            user.setRole(parseRole(role), now);
        }
        if (password != null) {
            requireStrong(password);
            user.setPasswordHash(hasher.hash(password.toCharArray()), now);
        }
        if (disabled != null) {
            user.setDisabled(disabled, now);
        }
        UserAccount saved = store.save(user);
        if (password != null || Boolean.TRUE.equals(disabled)) {
            // whoever knew the old password may hold a session made with it
            authenticator.signOutEverywhere(name);
        } else {
            authenticator.forgetVerified();
        }
        return saved;
    }

    public NewToken createToken(Caller caller, String name, String role, Integer expiresInDays) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name: a token needs a name of 1-100 characters saying what uses it");
        }
        Role tokenRole = role == null ? caller.role() : parseRole(role);
        if (!caller.role().includes(tokenRole)) {
            throw new IllegalArgumentException("role: a token cannot have a stronger role (" + tokenRole + ") than its creator (" + caller.role() + ")");
        }
        int days = expiresInDays == null ? DEFAULT_TOKEN_DAYS : expiresInDays;
        if (days < 1 || days > MAX_TOKEN_DAYS) {
            throw new IllegalArgumentException("expiresInDays: must be between 1 and " + MAX_TOKEN_DAYS + ", not " + days);
        }
        String secret = TokenSecret.generate();
        Instant now = clock.instant();
        ApiToken token = store.save(new ApiToken(name.strip(), caller.name(), tokenRole, TokenSecret.digest(secret), now,
                now.plus(Duration.ofDays(days))));
        return new NewToken(token, secret);
    }

    /** Admins see every token; everyone else their own. */
    public List<ApiToken> tokensVisibleTo(Caller caller) {
        return caller.may(Role.ADMIN) ? store.tokens() : store.tokensOf(caller.name());
    }

    public boolean deleteToken(Caller caller, long id) {
        Optional<ApiToken> token = store.token(id);
        if (token.isEmpty() || !(caller.may(Role.ADMIN) || token.get().getUserName().equals(caller.name()))) {
            return false;
        }
        return store.deleteToken(id);
    }

    private long enabledAdmins() {
        return store.users().stream().filter(u -> u.getRole() == Role.ADMIN && !u.isDisabled()).count();
    }

    private static Role parseRole(String role) {
        try {
            return Role.parse(role);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("role: " + e.getMessage());
        }
    }

    private static void requireStrong(String password) {
        String weakness = PasswordHasher.weakness(password);
        if (weakness != null) {
            throw new IllegalArgumentException(weakness);
        }
    }

    private static String shorten(String value) {
        return value == null ? "" : value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }

    /** A user or token that does not exist. */
    public static final class NoSuchElementException extends java.util.NoSuchElementException {
        public NoSuchElementException(String message) {
            super(message);
        }
    }
}
