package io.annexa.ingestion;

import io.annexa.evidence.UnresolvedInclude;
import java.time.Instant;

/** What the parsers say about includes they do not follow. */
public final class Includes {

    /** Why the includes of a file read without an include root are not followed. */
    public static final String NOT_FOLLOWED = "the file was read without its host's files (a file dropped into an inbox):"
            + " drop the host's snapshot (inbox/hosts/<asset>/ or <asset>.tar.gz) to have its includes read";

    private Includes() {
    }

    /** An include of a file read without an include root: its files are on the host, not here. */
    public static UnresolvedInclude notFollowed(String asset, String source, String file, int line, String pattern, Instant observed) {
        return new UnresolvedInclude(asset, source, file, line, pattern, NOT_FOLLOWED, observed);
    }
}
