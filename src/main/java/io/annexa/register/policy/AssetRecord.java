package io.annexa.register.policy;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.InvalidAssetNameException;
import io.annexa.evidence.PathGlob;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the asset inventory (ISO/IEC 27002:2022 5.9): an asset name, or a glob over asset names
 * ({@code web-*}, {@code db-0?.corp}), with the owner accountable for it and how critical it is.
 *
 * @param pattern        a normalised asset name, or a glob when it holds {@code *} or {@code ?} (asset names never do)
 * @param classification free text, empty when not given
 */
public record AssetRecord(String pattern, String owner, Criticality criticality, String classification,
                          List<String> tags, boolean decommissioned) {

    public AssetRecord {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(criticality, "criticality");
        classification = classification == null ? "" : classification;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** Whether the entry stands for every asset its glob matches rather than for one asset. */
    public boolean isGlob() {
        return isGlob(pattern);
    }

    /** Whether {@code asset} (in any spelling {@link AssetNames} accepts) is this entry's asset or matches its glob. */
    public boolean matches(String asset) {
        String name = normalized(asset);
        if (name == null) {
            return false;
        }
        return isGlob() ? PathGlob.matches(pattern, name) : pattern.equals(name);
    }

    static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    /** The one spelling of an asset name, or null for a name no source could have produced. */
    static String normalized(String asset) {
        try {
            return asset == null ? null : AssetNames.normalize(asset);
        } catch (InvalidAssetNameException e) {
            return null;
        }
    }
}
