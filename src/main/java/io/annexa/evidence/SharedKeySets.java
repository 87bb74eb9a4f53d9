package io.annexa.evidence;

import java.util.Set;

/**
 * One copy of each set of configuration keys that {@link ConfigFile}s carry: the files of a fleet set the same keys
 * host after host, and the engine holds one per file. A fixed table like {@link SharedStrings}: bounded whatever the
 * input, a miss only costs a copy.
 */
final class SharedKeySets {

    private static final int SLOTS = 1 << 10;
    @SuppressWarnings("unchecked")
    private static final Set<String>[] TABLE = new Set[SLOTS];

    private SharedKeySets() {
    }

    /** An immutable set equal to {@code keys}, the same object as an equal one seen before where it can be. */
    static Set<String> share(Set<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        int hash = keys.hashCode();
        int slot = (hash ^ (hash >>> 11)) & (SLOTS - 1);
        Set<String> seen = TABLE[slot];
        if (seen != null && seen.hashCode() == hash && seen.equals(keys)) {
            return seen;
        }
        String[] shared = keys.stream().map(SharedStrings::share).toArray(String[]::new);
        Set<String> copy = Set.of(shared);
        TABLE[slot] = copy;
        return copy;
    }
}
