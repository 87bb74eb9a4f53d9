package io.annexa.access;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, deliberately slow password hashes: PBKDF2 with HMAC-SHA-256 and 310,000 iterations (the OWASP
 * recommendation for this function), from the JDK's own provider, so no extra library carries the
 * most sensitive code. The stored form names its algorithm and cost, so the cost can rise later and old
 * hashes still verify: {@code pbkdf2-sha256$310000$<salt>$<hash>} (base64).
 */
public final class PasswordHasher {

    public static final int ITERATIONS = 310_000;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    /** Longer passwords only cost the server time: PBKDF2 runs HMAC over the whole password on each round. */
    public static final int MAX_PASSWORD_LENGTH = 1024;
    public static final int MIN_PASSWORD_LENGTH = 12;

    /**
     * The hash of a random password nobody kept, at the production cost: checked when a user name does not
     * exist, so that a wrong name takes as long as a wrong password. A constant, because computing one costs
     * a start-up a third of a second (a whole second with the launcher's C1-only compiler).
     */
    static final String DECOY_HASH = "pbkdf2-sha256$310000$bOvQYhT4FEStxKbhLd914w$mmWjg6erXugDIYKwweHsRaMJpDMGq6+bt7sDBGcdAh4";

    private final SecureRandom random = new SecureRandom();
    private final int iterations;

    public PasswordHasher() {
        this(ITERATIONS);
    }

    /** A cheaper hasher, for tests that create many users; production uses {@link #ITERATIONS}. */
    PasswordHasher(int iterations) {
        this.iterations = iterations;
    }

    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derive(password, salt, iterations));
    }

    public boolean verify(char[] password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX) || password.length > MAX_PASSWORD_LENGTH) {
            return false;
        }
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] expected = b64.decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, b64.decode(parts[2]), Integer.parseInt(parts[1])));
    }

    /** Why a new password is refused, or null when it is acceptable. */
    public static String weakness(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            return "password: must be at least " + MIN_PASSWORD_LENGTH + " characters";
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            return "password: must be at most " + MAX_PASSWORD_LENGTH + " characters";
        }
        return null;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
