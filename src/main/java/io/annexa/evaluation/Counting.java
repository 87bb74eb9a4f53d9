package io.annexa.evaluation;

import io.annexa.evidence.LogEvent;
import io.annexa.evidence.RuleParameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.runtime.rule.RuleContext;
import org.kie.api.runtime.rule.RuleRuntime;

/**
 * The windows of the rules that declare a {@code count:} in rule.yml, kept by the engine rather than in working
 * memory: one {@link EventWindow} per rule, asset and key, each event added once (O(log n) in the events of its
 * window, in any arrival order). When a window reaches its rule's threshold a {@link Burst} goes into working memory;
 * it leaves when the window goes quiet or a new burst begins.
 *
 * <p>Why not in working memory: counted events then need no join, so they leave working memory as soon as they are
 * counted (a kind no other rule reads is kept for no time at all), and a rule author writes one rule about the burst
 * instead of three about windows.
 *
 * <p>State is kept by asset, so that an asset's windows go with it and a deployment can split assets across
 * instances. One per session, used by its evaluation thread only; rules reach it through the generated counting rule
 * of their package ({@link CountingRule}).
 */
public final class Counting {

    /** The global the generated counting rules call. */
    static final String GLOBAL = "annexaCounting";

    private final Map<String, Counted> byPackage = new HashMap<>();
    private final Map<String, Counted> byRule = new HashMap<>();
    /** asset → (rule, key) → window; an asset without windows has no entry. */
    private final Map<String, Map<Slot, Tally>> windows = new HashMap<>();
    /** The session's {@link Tick}: a window opens only for an event younger than the window before it. */
    private final LongSupplier now;
    /** Rules whose windows were taken over from an earlier session: they do not count the events carried over again. */
    private Set<String> carriedOver = Set.of();
    private long keyless;

    Counting(Collection<RuleDefinition> enabledRules, List<RuleParameter> parameters, LongSupplier now) {
        this.now = now;
        configure(enabledRules, parameters);
    }

    private void configure(Collection<RuleDefinition> enabledRules, List<RuleParameter> parameters) {
        byPackage.clear();
        byRule.clear();
        Map<String, RuleParameter> byName = new HashMap<>();
        parameters.forEach(p -> byName.put(p.rule() + "\u0000" + p.name(), p));
        for (RuleDefinition rule : enabledRules) {
            CountDeclaration declaration = rule.count();
            if (declaration == null) {
                continue;
            }
            RuleParameter threshold = byName.get(rule.id() + "\u0000" + declaration.threshold());
            RuleParameter window = byName.get(rule.id() + "\u0000" + declaration.window());
            if (threshold == null || window == null) {
                throw new IllegalStateException("rule " + rule.id() + ": count: names parameters it does not have");
            }
            Counted counted = new Counted(rule.id(), declaration, threshold.getIntValue(), window.getDurationMillis());
            byPackage.put(rule.drlPackage(), counted);
            byRule.put(rule.id(), counted);
        }
    }

    /**
     * Counts {@code event} for the rule whose generated counting rule fired; called by that rule only. An event
     * without the key the rule counts by is not counted.
     */
    public void count(RuleContext drools, LogEvent event) {
        Counted counted = byPackage.get(drools.getRule().getPackageName());
        if (counted == null) {
            throw new IllegalStateException("rule package " + drools.getRule().getPackageName() + " declares no count: in its rule.yml");
        }
        if (carriedOver.contains(counted.rule)) {
            return;
        }
        String key = counted.key.apply(event);
        if (key == null || key.isEmpty()) {
            keyless++;
            return;
        }
        long at = event.getEpochMillis();
        Map<Slot, Tally> ofAsset = windows.get(event.getAsset());
        Slot slot = new Slot(counted.rule, key);
        Tally tally = ofAsset == null ? null : ofAsset.get(slot);
        if (tally == null) {
            if (at <= now.getAsLong() - counted.windowMillis) {
                return; // it belonged to a window that went quiet and was forgotten
            }
            tally = new Tally(new EventWindow(counted.rule, event.getAsset(), key, at, counted.windowMillis));
            windows.computeIfAbsent(event.getAsset(), a -> new HashMap<>()).put(slot, tally);
        } else if (at < tally.window.getSince()) {
            return;
        }
        EventWindow window = tally.window;
        boolean wasReported = window.isReported();
        window.addValue(at, counted.distinct == null ? null : counted.distinct.apply(event), event.getRepeat());
        RuleRuntime runtime = drools.getKieRuntime();
        if (wasReported && !window.isReported() && tally.burst != null) {
            runtime.delete(tally.burst); // the window emptied before this event: its burst is over
            tally.burst = null;
        }
        reportIfReached(counted, tally, runtime);
    }

    private static void reportIfReached(Counted counted, Tally tally, RuleRuntime runtime) {
        EventWindow window = tally.window;
        int measure = counted.declaration.distinct() == null ? window.getCount() : window.getDistinct();
        if (!window.isReported() && measure >= counted.threshold) {
            window.markReported();
            tally.burst = runtime.insert(new Burst(counted.rule, counted.declaration, counted.threshold, window));
        }
    }

    /**
     * Forgets the windows that have been quiet for their whole length at {@code at}, with their bursts.
     *
     * @return the assets left without any window
     */
    Set<String> forgetQuiet(long at, RuleRuntime runtime) {
        Set<String> emptied = new HashSet<>();
        var assets = windows.entrySet().iterator();
        while (assets.hasNext()) {
            var asset = assets.next();
            asset.getValue().values().removeIf(tally -> {
                if (!tally.window.quietAt(at)) {
                    return false;
                }
                if (tally.burst != null) {
                    runtime.delete(tally.burst);
                }
                return true;
            });
            if (asset.getValue().isEmpty()) {
                assets.remove();
                emptied.add(asset.getKey());
            }
        }
        return emptied;
    }

    /** Whether any window is open for {@code asset}. */
    boolean holds(String asset) {
        return windows.containsKey(asset);
    }

    /** Drops the windows of an asset that is gone, with their bursts. */
    void drop(String asset, RuleRuntime runtime) {
        Map<Slot, Tally> ofAsset = windows.remove(asset);
        if (ofAsset != null) {
            ofAsset.values().forEach(tally -> {
                if (tally.burst != null) {
                    runtime.delete(tally.burst);
                }
            });
        }
    }

    /**
     * Takes over the windows an earlier session kept for rules that count here as they did there (same events, key,
     * constraint and window length), and puts their bursts into this session's working memory. A changed threshold
     * applies at once: a window already past a lowered one reports. Those rules do not count what is carried over
     * again, until {@link #carriedOverCounted}; a rule whose counting changed starts afresh from what it sees.
     */
    void takeOver(Counting earlier, RuleRuntime runtime) {
        Set<String> taken = new HashSet<>();
        earlier.windows.forEach((asset, slots) -> slots.forEach((slot, tally) -> {
            Counted here = byRule.get(slot.rule);
            if (!countsAsBefore(here, earlier.byRule.get(slot.rule))) {
                return;
            }
            taken.add(slot.rule);
            Tally copy = new Tally(tally.window);
            windows.computeIfAbsent(asset, a -> new HashMap<>()).put(slot, copy);
            if (tally.burst != null) {
                copy.burst = runtime.insert(new Burst(here.rule, here.declaration, here.threshold, tally.window));
            } else {
                reportIfReached(here, copy, runtime);
            }
        }));
        byRule.forEach((rule, counted) -> {
            if (countsAsBefore(counted, earlier.byRule.get(rule))) {
                taken.add(rule);
            }
        });
        keyless = earlier.keyless;
        carriedOver = Set.copyOf(taken);
    }

    /**
     * Follows a rule change made in the session itself: from now on the rules of {@code enabledRules} count. Windows
     * of rules that count as before (same events, key, constraint and window length) go on, under the new threshold;
     * the others go, with their bursts. The rules that go on do not count the live events again that a re-added rule
     * package is shown, until {@link #carriedOverCounted}.
     */
    void retarget(Collection<RuleDefinition> enabledRules, List<RuleParameter> parameters,
                  java.util.function.Predicate<String> changed, RuleRuntime runtime) {
        Map<String, Counted> before = new HashMap<>(byRule);
        configure(enabledRules, parameters);
        Set<String> kept = new HashSet<>();
        byRule.forEach((rule, counted) -> {
            if (countsAsBefore(counted, before.get(rule))) {
                kept.add(rule);
            }
        });
        var assets = windows.entrySet().iterator();
        while (assets.hasNext()) {
            Map<Slot, Tally> slots = assets.next().getValue();
            slots.entrySet().removeIf(entry -> {
                String rule = entry.getKey().rule;
                if (kept.contains(rule)) {
                    Tally tally = entry.getValue();
                    if (changed.test(rule)) {
                        // its new version reports the burst in progress again, under its new threshold, as a new
                        // session's would; a window now below the threshold may report when it reaches it
                        if (tally.burst != null) {
                            runtime.delete(tally.burst);
                            tally.burst = null;
                        }
                        tally.window.reportedAs(false);
                    }
                    reportIfReached(byRule.get(rule), tally, runtime);
                    return false;
                }
                if (entry.getValue().burst != null) {
                    runtime.delete(entry.getValue().burst);
                }
                return true;
            });
            if (slots.isEmpty()) {
                assets.remove();
            }
        }
        carriedOver = Set.copyOf(kept);
    }

    private static boolean countsAsBefore(Counted now, Counted before) {
        return now != null && before != null && now.declaration.countsLike(before.declaration) && now.windowMillis == before.windowMillis;
    }

    /** What was carried over has been fired: every rule counts what comes from now on. */
    void carriedOverCounted() {
        carriedOver = Set.of();
    }

    /** Whether some enabled rule declares a count. */
    boolean isEmpty() {
        return byRule.isEmpty();
    }

    /** Open windows, for statistics and tests. */
    int windowCount() {
        return windows.values().stream().mapToInt(Map::size).sum();
    }

    /** The open windows, for tests. */
    List<EventWindow> windows() {
        List<EventWindow> all = new ArrayList<>();
        windows.values().forEach(slots -> slots.values().forEach(t -> all.add(t.window)));
        return all;
    }

    /** Events of counted kinds that carried no value for the key they are counted by. */
    long keyless() {
        return keyless;
    }

    private record Slot(String rule, String key) {
    }

    private static final class Tally {
        private final EventWindow window;
        private FactHandle burst;

        Tally(EventWindow window) {
            this.window = window;
        }
    }

    private static final class Counted {
        private final String rule;
        private final CountDeclaration declaration;
        private final int threshold;
        private final long windowMillis;
        private final Function<LogEvent, String> key;
        private final Function<LogEvent, String> distinct;

        Counted(String rule, CountDeclaration declaration, int threshold, long windowMillis) {
            this.rule = rule;
            this.declaration = declaration;
            this.threshold = threshold;
            this.windowMillis = windowMillis;
            this.key = declaration.keyReader();
            this.distinct = declaration.distinctReader();
        }
    }
}
