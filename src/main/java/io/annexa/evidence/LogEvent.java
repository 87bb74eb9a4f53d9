package io.annexa.evidence;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * One classified log line. {@code kind} is the classification ({@code auth_failure}, {@code auth_success},
 * {@code privilege_use}, ...); {@code attributes} hold what the classifier extracted (user, source address,
 * method). {@code raw} keeps the original line as evidence.
 *
 * <p>{@code repeat} says how many identical lines the event stands for: syslog daemons fold a flood of one message
 * into {@code message repeated N times: [...]}, and a rule counting attempts must count N of them. One event with a
 * count costs the engine one insertion where N copies cost N (a forged count made 100,000 events of one line).
 *
 * <p>An event for the rule engine: it carries its own timestamp, and expires so that windows over
 * millions of lines keep memory bounded. Rules needing longer windows declare that in their own DRL.
 */
@Role(Role.Type.EVENT)
@Timestamp("epochMillis")
public final class LogEvent {

    private final String asset;
    private final Instant timestamp;
    private final String program;
    private final String kind;
    private final Map<String, String> attributes;
    private final String raw;
    private final int repeat;
    /**
     * Worked out once: the temporal rules join events to their windows on it, and Drools reads it again each
     * time it re-files such a join (on every count of the window), which made the map look-ups about 30 % of
     * the evaluation thread's time (LogThroughputBenchmark).
     */
    private final String remote;

    public LogEvent(String asset, Instant timestamp, String program, String kind,
                    Map<String, String> attributes, String raw) {
        this(asset, timestamp, program, kind, attributes, raw, 1);
    }

    /** @param repeat how many identical lines this event stands for, at least 1 */
    public LogEvent(String asset, Instant timestamp, String program, String kind,
                    Map<String, String> attributes, String raw, int repeat) {
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat count must be at least 1, is " + repeat);
        }
        this.repeat = repeat;
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

    /** How many identical lines this event stands for: 1, or N for {@code message repeated N times}. */
    public int getRepeat() {
        return repeat;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEvent other && asset.equals(other.asset) && timestamp.equals(other.timestamp)
                && program.equals(other.program) && kind.equals(other.kind)
                && attributes.equals(other.attributes) && raw.equals(other.raw) && repeat == other.repeat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(asset, timestamp, program, kind, attributes, raw, repeat);
    }

    @Override
    public String toString() {
        return "LogEvent[" + asset + " " + timestamp + " " + program + " " + kind + " " + attributes + (repeat > 1 ? " x" + repeat : "") + "]";
    }
}
