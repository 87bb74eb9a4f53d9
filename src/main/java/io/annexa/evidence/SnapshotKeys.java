package io.annexa.evidence;

import java.util.Collection;

/** Which evidence keys belong to the snapshot of one asset delivered by one origin (see {@link EvidenceSink#replaceSnapshot}). */
public final class SnapshotKeys {

    private SnapshotKeys() {
    }

    /** Whether {@code key} is part of the snapshots {@code origin} delivers for {@code asset}: its origin or a part below it. */
    public static boolean belongs(EvidenceKey key, String asset, String origin) {
        return key.asset().equals(AssetNames.normalize(asset))
                && (key.origin().equals(origin) || key.origin().startsWith(origin + "/"));
    }

    /** @throws IllegalArgumentException naming the first key that is not of the snapshot */
    public static void check(String asset, String origin, Collection<EvidenceKey> keys) {
        if (origin == null || origin.isBlank()) {
            throw new IllegalArgumentException("a snapshot needs the origin that delivers it");
        }
        for (EvidenceKey key : keys) {
            if (!belongs(key, asset, origin)) {
                throw new IllegalArgumentException("evidence key " + key + " is not of the snapshot of " + asset + " from " + origin);
            }
        }
    }
}
