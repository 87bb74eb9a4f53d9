package io.annexa.evaluation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A threshold reached: the engine inserts one when the events a rule's {@code count:} declares reach its threshold
 * within its window, for one key (a source address) on one asset. The rule's DRL says what it means, usually
 * {@code insert(findings.incident(drools, $b))}. It stays in working memory while the burst's window is open, so a
 * rule can also join on it ("a login from a source that is guessing passwords"), and leaves when the window goes
 * quiet; a later burst of the same key is a new {@code Burst}.
 *
 * <p>The counts and times are those at the moment the threshold was reached, so the evidence does not depend on how
 * many further events of the burst arrived in the same batch. {@link #countAt} reads the window as it is now.
 */
public final class Burst {

    /** Distinct values kept for the evidence: enough to name the first ten and say how many more there were. */
    static final int VALUES_KEPT = 100;

    private final String rule;
    private final String asset;
    private final String by;
    private final String key;
    private final List<String> kinds;
    private final String distinctOf;
    private final int count;
    private final int distinct;
    private final List<String> values;
    private final int threshold;
    private final long windowMillis;
    private final long firstAt;
    private final long lastAt;
    private final EventWindow window;

    Burst(String rule, CountDeclaration declaration, int threshold, EventWindow window) {
        this.rule = rule;
        this.asset = window.getAsset();
        this.by = declaration.by();
        this.key = window.getKey();
        this.kinds = declaration.events();
        this.distinctOf = declaration.distinct();
        this.count = window.getCount();
        this.distinct = window.getDistinct();
        List<String> all = window.distinctValues();
        this.values = all.size() <= VALUES_KEPT ? all : List.copyOf(all.subList(0, VALUES_KEPT));
        this.threshold = threshold;
        this.windowMillis = window.getWindowMillis();
        this.firstAt = window.getFirstAt();
        this.lastAt = window.getLastAt();
        this.window = window;
    }

    /** The rule whose {@code count:} this burst is of. */
    public String getRule() {
        return rule;
    }

    public String getAsset() {
        return asset;
    }

    /** What the events were counted by: {@code remote}, {@code program} or an attribute name. */
    public String getBy() {
        return by;
    }

    /** The value counted by: the source address, for {@code by: remote}. */
    public String getKey() {
        return key;
    }

    /** The event kinds counted. */
    public List<String> getKinds() {
        return kinds;
    }

    /** Events counted within the window when the threshold was reached ({@code message repeated N times} counts N). */
    public int getCount() {
        return count;
    }

    /** Distinct values of the {@code distinct:} attribute within the window then; 0 when the rule counts events. */
    public int getDistinct() {
        return distinct;
    }

    /** What the threshold was compared with: {@link #getDistinct} when the rule counts distinct values, else {@link #getCount}. */
    public int getMeasure() {
        return distinctOf == null ? count : distinct;
    }

    /** The distinct values then, sorted (the first {@value #VALUES_KEPT}). */
    public List<String> getValues() {
        return values;
    }

    public int getThreshold() {
        return threshold;
    }

    public long getWindowMillis() {
        return windowMillis;
    }

    public long getFirstAt() {
        return firstAt;
    }

    public long getLastAt() {
        return lastAt;
    }

    public Instant firstTime() {
        return Instant.ofEpochMilli(firstAt);
    }

    public Instant lastTime() {
        return Instant.ofEpochMilli(lastAt);
    }

    /** Events counted within the window that ends at {@code epochMillis}, as the window is now. */
    public int countAt(long epochMillis) {
        return window.countAt(epochMillis);
    }

    /** The window's length as people write it: {@code 10m}, {@code 1h30m}. */
    public String windowText() {
        return Duration.ofMillis(windowMillis).toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** Up to {@code max} of the distinct values, quoted, then how many more. */
    public String distinctValuesText(int max) {
        String shown = values.stream().limit(max).map(v -> "'" + v + "'").collect(Collectors.joining(", "));
        return distinct > max ? shown + " and " + (distinct - max) + " more" : shown;
    }

    /**
     * The evidence of an incident raised for this burst: {@code source 203.0.113.7: 5 failed SSH authentications from
     * ... to ... (threshold 5 within 10m)}. {@code what} names what was counted; null says it from the declaration.
     */
    String evidence(String what) {
        String subject = ("remote".equals(by) ? "source" : by) + " " + key;
        String counted = what != null ? what
                : distinctOf != null ? "distinct " + distinctOf + " values in " + String.join("/", kinds) + " events"
                : String.join("/", kinds) + " events";
        String values = distinctOf == null ? "" : distinctValuesText(10) + "; ";
        return subject + ": " + getMeasure() + " " + counted + " from " + firstTime() + " to " + lastTime()
                + " (" + values + "threshold " + threshold + " within " + windowText() + ")";
    }

    @Override
    public String toString() {
        return "Burst[" + rule + " " + asset + " " + by + "=" + key + " " + getMeasure() + "/" + threshold + "]";
    }
}
