package io.annexa.evaluation;

import io.annexa.evidence.AssetNames;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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
 * <p>Events may arrive out of time order (several syslog senders, a follower catching up): the window is always
 * the events whose times fall within {@code windowMillis} before the newest one, whatever order they came in. An
 * event already older than that when it arrives is not counted ({@link #getLate}). Only events within the window
 * are kept, indexed by time, so adding one costs O(log n) and the oldest leave first.
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
    /**
     * The counted events by time, oldest first, so the oldest leave first whatever order they arrived in
     * (several syslog senders, a follower catching up). One entry per distinct time within the window.
     */
    private final TreeMap<Long, Moment> moments = new TreeMap<>();
    private final Map<String, Integer> valueCounts = new HashMap<>();
    private long total;
    private int count;
    private int distinct;
    private long firstAt;
    private long lastAt;
    private boolean reported;
    private long late;

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
        boolean first = moments.isEmpty();
        if (!first && at <= lastAt - windowMillis) {
            // it would leave the window the moment it entered: counting it would resurrect a burst already over
            late++;
            return;
        }
        if (count == 0 || at - lastAt >= windowMillis) {
            // the window had emptied: what comes now is a new burst, worth a new report
            reported = false;
        }
        Moment moment = moments.computeIfAbsent(at, t -> new Moment());
        moment.weight += weight;
        total += weight;
        if (value != null) {
            moment.values().merge(value, 1, Integer::sum);
            if (valueCounts.merge(value, 1, Integer::sum) == 1) {
                distinct++;
            }
        }
        lastAt = first ? at : Math.max(lastAt, at);
        evictBefore(lastAt - windowMillis);
        count = (int) Math.min(Integer.MAX_VALUE, total);
        firstAt = moments.firstKey();
    }

    private void evictBefore(long limit) {
        for (var oldest = moments.firstEntry(); oldest != null && oldest.getKey() <= limit; oldest = moments.firstEntry()) {
            moments.pollFirstEntry();
            Moment moment = oldest.getValue();
            total -= moment.weight;
            if (moment.values != null) {
                moment.values.forEach((value, n) -> {
                    if (valueCounts.merge(value, -n, Integer::sum) == 0) {
                        valueCounts.remove(value);
                        distinct--;
                    }
                });
            }
        }
    }

    /** Remembers that the current burst has been reported, so it is reported once. */
    @Modifies({"reported"})
    public void markReported() {
        reported = true;
    }

    /** Takes over whether the burst was reported from the window an earlier session kept for the same key. */
    @Modifies({"reported"})
    void reportedAs(boolean wasReported) {
        reported = wasReported;
    }

    /** How many counted events fall within the window that ends at {@code at}. */
    public int countAt(long at) {
        long n = 0;
        for (Moment moment : moments.subMap(at - windowMillis, false, at, true).values()) {
            n += moment.weight;
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

    /** Events that arrived older than the window ending at the newest one, and so were not counted. */
    public long getLate() {
        return late;
    }

    /** How many distinct event times the window holds: never more than the events within it. */
    int retainedTimes() {
        return moments.size();
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

    /** The events counted at one time: their total weight and how many of them carried each value. */
    private static final class Moment {
        private long weight;
        /** Created by the first value: windows that count plain events carry none. */
        private Map<String, Integer> values;

        private Map<String, Integer> values() {
            if (values == null) {
                values = new HashMap<>(4);
            }
            return values;
        }
    }

    @Override
    public String toString() {
        return "EventWindow[" + rule + " " + asset + " " + key + " count=" + count + " distinct=" + distinct + "]";
    }
}
