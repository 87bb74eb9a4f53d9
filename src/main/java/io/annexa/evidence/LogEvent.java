package io.annexa.evidence;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.kie.api.definition.type.Expires;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * One classified log line. {@code kind} is the classification ({@code auth_failure}, {@code auth_success},
 * {@code privilege_use}, ...); {@code attributes} hold what the classifier extracted (user, source address,
 * method). {@code raw} keeps the original line as evidence.
 *
 * <p>An event for the rule engine: it carries its own timestamp, and expires so that windows over
 * millions of lines keep memory bounded. Rules needing longer windows declare that in their own DRL.
 */
@Role(Role.Type.EVENT)
@Timestamp("epochMillis")
@Expires("2h")
public final class LogEvent {

    private final String asset;
    private final Instant timestamp;
    private final String program;
    private final String kind;
    private final Map<String, String> attributes;
    private final String raw;
    /**
     * Worked out once: the temporal rules join events to their windows on it, and Drools reads it again each
     * time it re-files such a join (on every count of the window), which made the map look-ups about 30 % of
     * the evaluation thread's time (LogThroughputBenchmark).
     */
    private final String remote;

    public LogEvent(String asset, Instant timestamp, String program, String kind,
                    Map<String, String> attributes, String raw) {
        this.asset = AssetNames.normalize(asset);
        this.timestamp = Asset.require(timestamp, "timestamp");
        this.program = program == null ? "" : program;
        this.kind = Asset.require(kind, "kind");
        this.attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        this.raw = raw == null ? "" : raw;
        this.remote = remote(this.attributes);
    }

    public String getAsset() {
        return asset;
    }

    public Instant getTimestamp() {
        return timestamp;
    }

    public long getEpochMillis() {
        return timestamp.toEpochMilli();
    }

    public String getProgram() {
        return program;
    }

    public String getKind() {
        return kind;
    }

    public Map<String, String> getAttributes() {
        return attributes;
    }

    /** An attribute's value, or the empty string: DRL constraints stay simple without null checks. */
    public String attribute(String name) {
        return attributes.getOrDefault(name, "");
    }

    /**
     * The remote peer the line names: its address ({@code source_ip}), else its host name ({@code source_host}),
     * else the empty string. The one key rules counting "per source" group by.
     */
    public String getRemote() {
        return remote;
    }

    private static String remote(Map<String, String> attributes) {
        String ip = attributes.get("source_ip");
        if (ip != null && !ip.isEmpty()) {
            return ip;
        }
        return attributes.getOrDefault("source_host", "");
    }

    public String getRaw() {
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEvent other && asset.equals(other.asset) && timestamp.equals(other.timestamp)
                && program.equals(other.program) && kind.equals(other.kind)
                && attributes.equals(other.attributes) && raw.equals(other.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(asset, timestamp, program, kind, attributes, raw);
    }

    @Override
    public String toString() {
        return "LogEvent[" + asset + " " + timestamp + " " + program + " " + kind + " " + attributes + "]";
    }
}
