package io.annexa.evidence;

import java.time.Instant;
import java.util.Objects;
import org.kie.api.definition.type.ClassReactive;

/**
 * An include whose files were not read, so the evidence of its kind for the asset is incomplete: a file dropped into an
 * inbox names {@code Include /etc/ssh/sshd_config.d/*.conf}, which lies on the host, not here; a host snapshot's PAM
 * service includes a service the snapshot does not hold. What the included files say is unknown, so a rule must not
 * conclude from a setting being absent: it may be set there. Such rules wait for complete evidence, and
 * {@code evidence_incomplete} says what is missing.
 *
 * @param pattern the include as written ({@code /etc/ssh/sshd_config.d/*.conf}, {@code common-auth})
 * @param reason  why it was not read
 */
@ClassReactive
public final class UnresolvedInclude {

    private final String asset;
    private final String source;
    private final String file;
    private final int line;
    private final String pattern;
    private final String reason;
    private final Instant observedAt;

    public UnresolvedInclude(String asset, String source, String file, int line, String pattern, String reason, Instant observedAt) {
        this.asset = AssetNames.normalize(asset);
        this.source = SharedStrings.share(Asset.require(source, "source"));
        this.file = SharedStrings.share(Asset.require(file, "file"));
        this.line = line;
        this.pattern = SharedStrings.share(Asset.require(pattern, "pattern"));
        this.reason = Asset.require(reason, "reason");
        this.observedAt = Asset.require(observedAt, "observedAt");
    }

    public String getAsset() {
        return asset;
    }

    /** The kind of configuration whose evidence is incomplete ({@code sshd_config}). */
    public String getSource() {
        return source;
    }

    public String getFile() {
        return file;
    }

    public int getLine() {
        return line;
    }

    public String getPattern() {
        return pattern;
    }

    public String getReason() {
        return reason;
    }

    public Instant getObservedAt() {
        return observedAt;
    }

    /** The same include, its file named otherwise (a snapshot's file as the host names it). */
    public UnresolvedInclude inFile(String name) {
        return new UnresolvedInclude(asset, source, name, line, pattern, reason, observedAt);
    }

    /** {@code /etc/ssh/sshd_config:1 includes '/etc/ssh/sshd_config.d/*.conf', not read: <reason>}. */
    public String describe() {
        return file + ":" + line + " includes '" + pattern + "', not read: " + reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnresolvedInclude other && line == other.line && asset.equals(other.asset) && source.equals(other.source)
                && file.equals(other.file) && pattern.equals(other.pattern) && reason.equals(other.reason)
                && observedAt.equals(other.observedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(asset, source, file, line, pattern, reason, observedAt);
    }

    @Override
    public String toString() {
        return "UnresolvedInclude[" + asset + " " + source + " " + describe() + "]";
    }
}
