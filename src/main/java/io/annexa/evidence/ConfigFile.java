package io.annexa.evidence;

import java.time.Instant;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import org.kie.api.definition.type.ClassReactive;

/**
 * One configuration file of a given kind was read for an asset. Rules use it to reason about
 * settings that are absent: "sshd_config was read for web1 and has no PermitRootLogin no".
 *
 * <p>It also says which settings the asset's files of its kind set ({@link #sets}, {@link #setsGlobally}), so that a
 * rule can find a setting that is absent in one pattern: {@code ConfigFile(source == "sshd_config",
 * !setsGlobally("PermitRootLogin"))}. The engine tells it when it takes the read in, from the entries of every read of
 * that kind it holds for the asset; a file nobody told knows of no setting. This is what a fleet needs: a
 * {@code not ConfigEntry(asset == $asset, key == ...)} pattern keeps a tuple per file and one per entry it tests in
 * the engine's memory, this keeps nothing for files that set it.
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
    /** Keys set outside any conditional block; a subset of {@link #keys}. Shared: a fleet's files set the same ones. */
    private final Set<String> globalKeys;
    private final Set<String> keys;

    public ConfigFile(String asset, String source, String file, Instant observedAt) {
        this.asset = AssetNames.normalize(asset);
        this.source = SharedStrings.share(Asset.require(source, "source"));
        this.file = SharedStrings.share(Asset.require(file, "file"));
        this.observedAt = Asset.require(observedAt, "observedAt");
        this.globalKeys = Set.of();
        this.keys = Set.of();
    }

    private ConfigFile(ConfigFile read, Set<String> globalKeys, Set<String> keys) {
        this.asset = read.asset;
        this.source = read.source;
        this.file = read.file;
        this.observedAt = read.observedAt;
        this.globalKeys = SharedKeySets.share(globalKeys);
        this.keys = SharedKeySets.share(keys);
    }

    /**
     * This read, told which keys {@code entries} set (the entries of every read of its kind the engine holds for its
     * asset).
     */
    public ConfigFile settingKeysOf(Collection<ConfigEntry> entries) {
        Set<String> global = new java.util.HashSet<>();
        Set<String> any = new java.util.HashSet<>();
        for (ConfigEntry entry : entries) {
            if (entry.getSource().equals(source) && entry.getAsset().equals(asset)) {
                any.add(entry.getKey());
                if (entry.isGlobal()) {
                    global.add(entry.getKey());
                }
            }
        }
        return new ConfigFile(this, global, any);
    }

    /** Whether it holds the same keys as {@code other}: telling it again would change nothing. */
    public boolean knowsSameKeysAs(ConfigFile other) {
        return keys.equals(other.keys) && globalKeys.equals(other.globalKeys);
    }

    /** Whether a file of this kind of the asset sets {@code key}, in any scope. */
    public boolean sets(String key) {
        return keys.contains(key);
    }

    /** Whether a file of this kind of the asset sets {@code key} outside any conditional block ({@code Match}). */
    public boolean setsGlobally(String key) {
        return globalKeys.contains(key);
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
