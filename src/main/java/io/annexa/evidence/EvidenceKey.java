package io.annexa.evidence;

/**
 * Identifies one piece of evidence that is re-read as a whole: the sshd_config of web1, read by the
 * inbox route. A new read under the same key replaces the facts of the previous read.
 *
 * @param source the kind of evidence ({@code sshd_config})
 * @param asset  the asset it describes
 * @param origin where it came from (a route id), so two routes reading the same kind for one asset do not
 *               overwrite each other
 */
public record EvidenceKey(String source, String asset, String origin) {

    public EvidenceKey {
        asset = AssetNames.normalize(asset);
        // held for every read of a fleet, in the engine and the ledger: one copy of each kind and path
        source = source == null ? null : SharedStrings.share(source);
        origin = origin == null ? null : SharedStrings.share(origin);
    }

    public EvidenceScope scope() {
        return new EvidenceScope(source, asset);
    }
}
