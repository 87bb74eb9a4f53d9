package io.annexa.evidence;

import java.time.Instant;
import java.util.Objects;
import org.kie.api.definition.type.ClassReactive;

/**
 * One configuration file of a given kind was read for an asset. Rules use it to reason about
 * settings that are absent: "sshd_config was read for web1 and has no PermitRootLogin no".
 *
 * <p>Class reactive: it is never modified in working memory (a new read replaces it), so property reactivity
 * would save nothing, and rules may match it with helper calls such as {@code $baseline.appliesTo(asset)}.
 */
@ClassReactive
public final class ConfigFile {

    private final String asset;
    private final String source;
    private final String file;
    private final Instant observedAt;

    public ConfigFile(String asset, String source, String file, Instant observedAt) {
        this.asset = AssetNames.normalize(asset);
        this.source = SharedStrings.share(Asset.require(source, "source"));
        this.file = SharedStrings.share(Asset.require(file, "file"));
        this.observedAt = Asset.require(observedAt, "observedAt");
    }

    public String getAsset() {
        return asset;
    }

    /** The kind of configuration, e.g. {@code sshd_config}. */
    public String getSource() {
        return source;
    }

    public String getFile() {
        return file;
    }

    public Instant getObservedAt() {
        return observedAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigFile other && asset.equals(other.asset) && source.equals(other.source)
                && file.equals(other.file) && observedAt.equals(other.observedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(asset, source, file, observedAt);
    }

    @Override
    public String toString() {
        return "ConfigFile[" + source + " " + file + " of " + asset + "]";
    }
}
