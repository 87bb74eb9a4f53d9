package io.annexa.evaluation;

import io.annexa.evidence.AssetNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.kie.api.definition.type.Modifies;
import org.kie.api.definition.type.PropertyReactive;

/**
 * A sliding time window a temporal rule keeps per key (a source address on a host): the times of the events
 * it counted and, optionally, the distinct values they carried (user names tried).
 *
 * <p>Why this fact exists: the textbook DRL for "N events within W" ({@code accumulate ... over window:time})
 * re-evaluates every earlier event of the key for each new one, so its cost grows with the burst it is
 * meant to catch (measured: ~4,700 events/s). A window fact each event is added to once costs one firing per
 * event. Rules count with {@link #add} / {@link #addValue} in the consequence <em>without</em> {@code modify}: a
 * modify would make Drools re-file every live event of the key joined to the window, so a long burst from one
 * source would slow down as it grows (1.6 k instead of 93 k events/s, LogThroughputBenchmark). That is sound
 * because no pattern constrains {@code count}, {@code distinct} or {@code firstAt}; {@code lastAt} is read only
 * when the session's {@link Tick} moves, which re-evaluates the pattern. {@link #markReported} is the one change
 * rules announce with {@code modify}, once per burst.
 *
 * <p>The usual three rules: open a window for a new key; add each event to it and report when the count
 * crosses the threshold (and {@link #markReported}); forget windows that have gone quiet ({@link #quietAt}).
 * See {@code rules/README.md}, "Counting events over time".
 */
@PropertyReactive
public final class EventWindow {

    private final String rule;
    private final String asset;
    private final String key;
    private final long windowMillis;
    private final long since;
    private final ArrayDeque<Long> times = new ArrayDeque<>();
    /** How many events each entry of {@link #times} stands for ({@code message repeated N times}). */
    private final ArrayDeque<Integer> weights = new ArrayDeque<>();
    private final ArrayDeque<String> values = new ArrayDeque<>();
    private final Map<String, Integer> valueCounts = new HashMap<>();
    private long total;
    private int count;
    private int distinct;
    private long firstAt;
    private long lastAt;
    private boolean reported;

    /**
     * @param openedAt the time of the event that opens the window; events from before the window that ends
     *                 there are not counted (they belonged to an earlier window, forgotten when it went quiet)
     */
    public EventWindow(String rule, String asset, String key, long openedAt, long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window of rule " + rule + " must be positive, is " + windowMillis + " ms");
        }
        this.rule = Objects.requireNonNull(rule, "rule");
        this.asset = AssetNames.normalize(asset);
        this.key = Objects.requireNonNull(key, "key");
        this.windowMillis = windowMillis;
        this.since = openedAt - windowMillis + 1;
    }

    /** Counts an event at {@code at}; events older than the window before it drop out. */
    @Modifies({"count", "distinct", "firstAt", "lastAt", "reported"})
    public void add(long at) {
        addValue(at, null, 1);
    }

    /**
     * Counts {@code weight} events at {@code at} in one step: a log line saying {@code message repeated N times}
     * ({@code LogEvent.getRepeat()}) counts N at the cost of one.
     */
    @Modifies({"count", "distinct", "firstAt", "lastAt", "reported"})
    public void add(long at, int weight) {
        addValue(at, null, weight);
    }

    /** Counts an event carrying {@code value} (a user name, ...); {@link #getDistinct} counts the distinct ones. */
    @Modifies({"count", "distinct", "firstAt", "lastAt", "reported"})
    public void addValue(long at, String value) {
        addValue(at, value, 1);
    }

    /** Counts {@code weight} events at {@code at} carrying {@code value}; the value is still one distinct value. */
    @Modifies({"count", "distinct", "firstAt", "lastAt", "reported"})
    public void addValue(long at, String value, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, is " + weight);
        }
        if (count == 0 || at - lastAt >= windowMillis) {
            // the window had emptied: what comes now is a new burst, worth a new report
            reported = false;
        }
        times.addLast(at);
        weights.addLast(weight);
        total += weight;
        values.addLast(value == null ? "" : value);
        if (value != null && valueCounts.merge(value, 1, Integer::sum) == 1) {
            distinct++;
        }
        lastAt = Math.max(lastAt, at);
        evictBefore(lastAt - windowMillis);
        count = (int) Math.min(Integer.MAX_VALUE, total);
        firstAt = times.peekFirst();
    }

    private void evictBefore(long limit) {
        while (!times.isEmpty() && times.peekFirst() <= limit) {
            times.removeFirst();
            total -= weights.removeFirst();
            String value = values.removeFirst();
            if (!value.isEmpty() && valueCounts.merge(value, -1, Integer::sum) == 0) {
                valueCounts.remove(value);
                distinct--;
            }
        }
    }

    /** Remembers that the current burst has been reported, so it is reported once. */
    @Modifies({"reported"})
    public void markReported() {
        reported = true;
    }

    /** How many counted events fall within the window that ends at {@code at}. */
    public int countAt(long at) {
        long n = 0;
        var weight = weights.descendingIterator();
        for (var it = times.descendingIterator(); it.hasNext(); ) {
            long t = it.next();
            int w = weight.next();
            if (t <= at - windowMillis) {
                break;
            }
            if (t <= at) {
                n += w;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** True when nothing was counted within the window before {@code now}: the window can be forgotten. */
    public boolean quietAt(long now) {
        return now - lastAt >= windowMillis;
    }

    public String getRule() {
        return rule;
    }

    public String getAsset() {
        return asset;
    }

    public String getKey() {
        return key;
    }

    public long getWindowMillis() {
        return windowMillis;
    }

    public int getCount() {
        return count;
    }

    public int getDistinct() {
        return distinct;
    }

    public long getFirstAt() {
        return firstAt;
    }

    public long getLastAt() {
        return lastAt;
    }

    public boolean isReported() {
        return reported;
    }

    /** The distinct values within the window, sorted: for the evidence. */
    public java.util.List<String> distinctValues() {
        return valueCounts.keySet().stream().sorted().toList();
    }

    /** Up to {@code max} of the distinct values, quoted, then how many more: for the evidence. */
    public String distinctValuesText(int max) {
        java.util.List<String> all = distinctValues();
        String shown = all.stream().limit(max).map(v -> "'" + v + "'").collect(java.util.stream.Collectors.joining(", "));
        return all.size() > max ? shown + " and " + (all.size() - max) + " more" : shown;
    }

    /** The earliest event time an event may have to be counted: constrain on it when looking the window up. */
    public long getSince() {
        return since;
    }

    /** The first counted event still in the window, for the evidence. */
    public Instant firstTime() {
        return Instant.ofEpochMilli(firstAt);
    }

    /** The latest counted event, for the evidence. */
    public Instant lastTime() {
        return Instant.ofEpochMilli(lastAt);
    }

    /** The window's length as people write it: {@code 10m}, {@code 1h30m}, {@code 45s}. */
    public String windowText() {
        return Duration.ofMillis(windowMillis).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return "EventWindow[" + rule + " " + asset + " " + key + " count=" + count + " distinct=" + distinct + "]";
    }
}
