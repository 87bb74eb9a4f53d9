package io.annexa.evidence;

import java.time.Instant;
import java.util.Objects;
import org.kie.api.definition.type.ClassReactive;

/**
 * One effective setting of a configuration file, as the consuming program would read it.
 *
 * <p>{@code key} is the setting's canonical spelling ({@code PermitRootLogin}, whatever case the file used);
 * {@code value} is the rest of the line with surrounding whitespace removed. {@code scope} is empty for
 * global settings and names the conditional block otherwise ({@code Match User backup}), so rules can
 * tell a global setting from an exception. {@code file} and {@code line} say where the value came from,
 * which is what an auditor asks first.
 *
 * <p>Class reactive: it is never modified in working memory (a new read replaces it), so property reactivity
 * would save nothing, and rules may match it with helper calls such as {@code $baseline.appliesTo(asset)}.
 */
@ClassReactive
public final class ConfigEntry {

    /**
     * Values up to this length are shared ({@link SharedStrings}): a fleet's files repeat the same values
     * ({@code no}, {@code 077}, the same cipher lists and {@code secure_path}) host after host, and the session holds
     * every entry of every host.
     */
    private static final int SHARED_VALUE_LENGTH = 512;

    private final String asset;
    private final String source;
    private final String file;
    private final int line;
    private final String key;
    private final String value;
    private final String scope;
    private final Instant observedAt;

    public ConfigEntry(String asset, String source, String file, int line, String key, String value,
                       String scope, Instant observedAt) {
        this.asset = SharedStrings.share(AssetNames.normalize(asset));
        this.source = SharedStrings.share(Asset.require(source, "source"));
        this.file = SharedStrings.share(Asset.require(file, "file"));
        this.line = line;
        this.key = SharedStrings.share(Asset.require(key, "key"));
        String text = Asset.require(value, "value");
        this.value = text.length() <= SHARED_VALUE_LENGTH ? SharedStrings.share(text) : text;
        this.scope = scope == null || scope.isEmpty() ? "" : SharedStrings.share(scope);
        this.observedAt = Asset.require(observedAt, "observedAt");
    }

    public String getAsset() {
        return asset;
    }

    public String getSource() {
        return source;
    }

    public String getFile() {
        return file;
    }

    public int getLine() {
        return line;
    }

    public String getKey() {
        return key;
    }

    public String getValue() {
        return value;
    }

    public String getScope() {
        return scope;
    }

    public boolean isGlobal() {
        return scope.isEmpty();
    }

    public Instant getObservedAt() {
        return observedAt;
    }

    /** {@code /etc/ssh/sshd_config:32}: where an auditor finds this value. */
    public String getLocation() {
        return file + ":" + line;
    }

    /** {@code PermitRootLogin yes (/etc/ssh/sshd_config:32)}, or with its Match scope. */
    public String describe() {
        return key + " " + value + (scope.isEmpty() ? "" : " in '" + scope + "'") + " (" + getLocation() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigEntry other && line == other.line && asset.equals(other.asset)
                && source.equals(other.source) && file.equals(other.file) && key.equals(other.key)
                && value.equals(other.value) && scope.equals(other.scope) && observedAt.equals(other.observedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(asset, source, file, line, key, value, scope, observedAt);
    }

    @Override
    public String toString() {
        return "ConfigEntry[" + asset + " " + describe() + "]";
    }
}
