package io.annexa.evidence;

/**
 * One copy of strings that many facts repeat (attribute keys, kinds, programs, asset names, user names and addresses):
 * the rule engine holds every log event of its longest window, and a burst of failures from one address would
 * otherwise hold that address once per line.
 *
 * <p>A fixed table indexed by hash, each slot holding the last string that landed there: bounded whatever the input
 * (an attacker sending endless new user names only displaces entries), no locks (a slot is one reference, and a
 * string read from it is complete), and a miss costs a hash and a store. Unlike {@link String#intern()} nothing
 * grows and nothing is slow.
 */
public final class SharedStrings {

    /**
     * 64 Ki slots (256 KB of references): a fleet of 10,000 hosts repeats each asset name in every entry of its
     * files, and with 8 Ki slots the names displaced each other before the next file came.
     */
    private static final int SLOTS = 1 << 16;
    private static final String[] TABLE = new String[SLOTS];

    private SharedStrings() {
    }

    /** {@code text} itself, or an equal string seen before. */
    public static String share(String text) {
        int hash = text.hashCode();
        int slot = (hash ^ (hash >>> 13)) & (SLOTS - 1);
        String seen = TABLE[slot];
        if (seen != null && (seen == text || seen.hashCode() == hash && seen.equals(text))) {
            return seen;
        }
        TABLE[slot] = text;
        return text;
    }
}
