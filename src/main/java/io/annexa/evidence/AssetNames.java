package io.annexa.evidence;

import java.util.Locale;

/** One spelling per asset across sources: host names are case-insensitive and may end with a root dot. */
public final class AssetNames {

    private AssetNames() {
    }

    public static String normalize(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("asset name is empty");
        }
        String name = raw.strip().toLowerCase(Locale.ROOT);
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("asset name '" + raw + "' has no characters besides dots");
        }
        return name;
    }
}
