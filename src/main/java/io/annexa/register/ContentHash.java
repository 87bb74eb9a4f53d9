package io.annexa.register;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a text, in lower-case hex: names evidence and chains the audit trail. */
final class ContentHash {

    private ContentHash() {
    }

    /**
     * One digest per thread: the register hashes the evidence of every finding on every evaluation cycle (tens of
     * thousands for a fleet), and looking SHA-256 up among the security providers each time cost more than hashing.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(ContentHash::digest);

    static String of(String text) {
        MessageDigest sha256 = SHA_256.get();
        sha256.reset();
        return HexFormat.of().formatHex(sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
