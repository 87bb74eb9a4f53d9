package io.annexa.evidence;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
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
 * <p>An event for the rule engine: it carries its own timestamp. How long it stays in working memory is the rule
 * engine's business: the longest window among the rules that read its kind ({@code EventInterest}), not a fixed time.
 *
 * <p>Kept small, as the engine holds every event of the longest window: the time as milliseconds (an {@link Instant}
 * is made when asked for), the attributes as one array of keys and values rather than a map, and keys, kinds,
 * programs, assets and short values shared between events ({@link SharedStrings}), so that a thousand failures
 * from one address to one user hold those two strings once.
 */
@Role(Role.Type.EVENT)
@Timestamp("epochMillis")
public final class LogEvent {

    /** Values longer than this are kept as they are: user names, addresses, services and ports are shorter. */
    private static final int SHARED_VALUE_LENGTH = 64;
    private static final String[] NO_ATTRIBUTES = new String[0];

    private final String asset;
    private final long epochMillis;
    /** The nanoseconds within the millisecond, so that {@link #getTimestamp()} gives back exactly the time given. */
    private final int nanosOfMilli;
    private final String program;
    private final String kind;
    /** Keys and values alternating, keys shared ({@link SharedStrings}), no key twice. */
    private final String[] attributes;
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
        this.asset = SharedStrings.share(AssetNames.normalize(asset));
        Asset.require(timestamp, "timestamp");
        this.epochMillis = timestamp.toEpochMilli();
        this.nanosOfMilli = timestamp.getNano() % 1_000_000;
        this.program = program == null ? "" : SharedStrings.share(program);
        this.kind = SharedStrings.share(Asset.require(kind, "kind"));
        this.attributes = attributes == null || attributes.isEmpty() ? NO_ATTRIBUTES : pack(attributes);
        this.raw = raw == null ? "" : raw;
        this.remote = remote();
    }

    private static String[] pack(Map<String, String> attributes) {
        String[] packed = new String[2 * attributes.size()];
        int i = 0;
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            String value = Objects.requireNonNull(attribute.getValue(), "attribute value");
            packed[i++] = SharedStrings.share(Objects.requireNonNull(attribute.getKey(), "attribute key"));
            packed[i++] = value.length() <= SHARED_VALUE_LENGTH ? SharedStrings.share(value) : value;
        }
        return packed;
    }

    public String getAsset() {
        return asset;
    }

    public Instant getTimestamp() {
        return Instant.ofEpochMilli(epochMillis).plusNanos(nanosOfMilli);
    }

    public long getEpochMillis() {
        return epochMillis;
    }

    public String getProgram() {
        return program;
    }

    public String getKind() {
        return kind;
    }

    /** The attributes as an unmodifiable map (a view: rules reading one attribute use {@link #attribute}). */
    public Map<String, String> getAttributes() {
        return new Attributes(attributes);
    }

    /** An attribute's value, or the empty string: DRL constraints stay simple without null checks. */
    public String attribute(String name) {
        String value = find(name);
        return value == null ? "" : value;
    }

    private String find(String name) {
        String[] a = attributes;
        // keys are shared, and names written in rules are constants: most look-ups end on the identity check
        for (int i = 0; i < a.length; i += 2) {
            if (a[i] == name) {
                return a[i + 1];
            }
        }
        for (int i = 0; i < a.length; i += 2) {
            if (a[i].equals(name)) {
                return a[i + 1];
            }
        }
        return null;
    }

    /**
     * The remote peer the line names: its address ({@code source_ip}), else its host name ({@code source_host}),
     * else the empty string. The one key rules counting "per source" group by.
     */
    public String getRemote() {
        return remote;
    }

    private String remote() {
        String ip = find("source_ip");
        if (ip != null && !ip.isEmpty()) {
            return ip;
        }
        String host = find("source_host");
        return host == null ? "" : host;
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
        return o instanceof LogEvent other && asset.equals(other.asset) && epochMillis == other.epochMillis
                && nanosOfMilli == other.nanosOfMilli && program.equals(other.program) && kind.equals(other.kind)
                && getAttributes().equals(other.getAttributes()) && raw.equals(other.raw) && repeat == other.repeat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(asset, epochMillis, nanosOfMilli, program, kind, getAttributes(), raw, repeat);
    }

    @Override
    public String toString() {
        return "LogEvent[" + asset + " " + getTimestamp() + " " + program + " " + kind + " " + getAttributes() + (repeat > 1 ? " x" + repeat : "") + "]";
    }

    /** The packed attributes seen as a map, read-only. */
    private static final class Attributes extends AbstractMap<String, String> {
        private final String[] packed;

        Attributes(String[] packed) {
            this.packed = packed;
        }

        @Override
        public int size() {
            return packed.length / 2;
        }

        @Override
        public String get(Object key) {
            for (int i = 0; i < packed.length; i += 2) {
                if (packed[i].equals(key)) {
                    return packed[i + 1];
                }
            }
            return null;
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, String>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < packed.length;
                        }

                        @Override
                        public Entry<String, String> next() {
                            if (!hasNext()) {
                                throw new NoSuchElementException();
                            }
                            Entry<String, String> entry = new SimpleImmutableEntry<>(packed[next], packed[next + 1]);
                            next += 2;
                            return entry;
                        }
                    };
                }

                @Override
                public int size() {
                    return packed.length / 2;
                }
            };
        }
    }
}
