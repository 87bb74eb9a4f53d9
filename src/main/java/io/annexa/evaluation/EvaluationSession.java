package io.annexa.evaluation;

import io.annexa.evidence.Asset;
import io.annexa.evidence.BaselineValue;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceScope;
import io.annexa.evidence.LogEvent;
import org.drools.core.common.DefaultEventHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.ObjectDeletedEvent;
import org.kie.api.event.rule.ObjectInsertedEvent;
import org.kie.api.event.rule.ObjectUpdatedEvent;
import org.kie.api.event.rule.RuleRuntimeEventListener;
import org.kie.api.runtime.ClassObjectFilter;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.runtime.rule.AgendaFilter;
import org.kie.api.runtime.rule.ConsequenceException;
import org.kie.api.runtime.rule.EntryPoint;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;

/**
 * One long-lived Drools session in stream mode. Not thread-safe by design: exactly one thread owns it
 * (the {@link EvaluationEngine}'s evaluation thread in the service, the test itself in tests).
 *
 * <p>Evidence is replaced by {@link EvidenceKey}: re-reading a file retracts what the previous read
 * inserted and inserts the new facts, and truth maintenance retracts findings whose evidence is gone.
 * Withdrawing a key (its file was deleted) retracts its facts the same way.
 */
public final class EvaluationSession implements AutoCloseable {

    public enum Clock { REALTIME, PSEUDO }

    /** Far above what a batch of 10,000 inputs makes sound rules fire; reached only by a rule that loops. */
    static final int FIRING_LIMIT = 2_000_000;

    private final KieSession session;
    private final Clock clock;
    private final Map<EvidenceKey, List<FactHandle>> evidence = new HashMap<>();
    private final Map<EvidenceScope, Integer> observed = new HashMap<>();
    private final Set<EvidenceScope> refreshed = new HashSet<>();
    // scopes withdrawn since the last fire; those still without evidence when it fires are reported removed
    private final Set<EvidenceScope> withdrawn = new HashSet<>();
    // the Asset fact of each asset that has evidence; dropped with the asset's windows once it has neither evidence nor live events
    private final Map<String, FactHandle> assets = new HashMap<>();
    private final Map<String, Integer> keysByAsset = new HashMap<>();
    /** The keys held per asset, so that a snapshot finds the keys of its asset without walking the fleet's. */
    private final Map<String, Set<EvidenceKey>> heldByAsset = new HashMap<>();
    private final Map<String, Integer> liveEventsByAsset = new HashMap<>();
    private final Map<String, Set<FactHandle>> windowsByAsset = new HashMap<>();
    private final Set<String> maybeGone = new HashSet<>();
    /** Replaced when the library changes in place ({@link #useLibrary}). */
    private EventInterest interest;
    private final EventRetention retention;
    private final Map<String, Kind> kinds = new HashMap<>();
    // log events inserted by a real-time session since its last firing: kept or dropped once it fired
    private final List<DefaultEventHandle> unsettled = new ArrayList<>();
    // counted: two equal findings may be in working memory at once, and one leaving must not hide the other
    private final Map<Finding, Integer> findings = new HashMap<>();
    private final Map<String, Firings> firings = new HashMap<>();
    // DRL packages whose matches are refused: rules quarantined after failing at run time
    private final Set<String> refused = new HashSet<>();
    private final AgendaFilter notRefused = match -> refused.isEmpty() || !refused.contains(match.getRule().getPackageName());
    private java.util.function.Consumer<RuleFailure> onRuleFailure;
    private final List<Finding> incidents = new ArrayList<>();
    private final List<FactHandle> reportedIncidents = new ArrayList<>();
    private final FactHandle tickHandle;
    private final List<FactHandle> baseline = new ArrayList<>();

    /**
     * Where config_matches_baseline reads configuration entries: only those whose source and key a declared baseline
     * value names are inserted there too. Its patterns ({@code source == $source} with the source bound from a
     * baseline value) cannot be filtered before the join, so read from the default entry point every configuration
     * entry of the fleet would be held in their join memories, three times each: a third of the heap for 10,000 hosts.
     */
    public static final String BASELINED_ENTRIES = "baselined configuration";
    /** Null when no rule of the library reads {@link #BASELINED_ENTRIES}. */
    private final EntryPoint baselinedEntries;
    private List<BaselineValue> baselineValues = List.of();
    private final Map<EvidenceKey, List<FactHandle>> baselined = new HashMap<>();
    /**
     * Which configuration entries the rules can read; the others are kept in {@link #unread}, not inserted. Replaced
     * when the library changes in place ({@link #useLibrary}).
     */
    private ConfigInterest configInterest;
    /** Per read, the configuration entries no rule can read: carried over to the next library, which may read them. */
    private final Map<EvidenceKey, List<UnreadEntries>> unread = new HashMap<>();
    private long tickedAt;
    private int firedThisCycle;
    /** The windows of rules that declare a count: in rule.yml. */
    private final Counting counting;

    EvaluationSession(RuleLibrary library, Clock clock) {
        this(library, clock, EventRetention.DEFAULT);
    }

    EvaluationSession(RuleLibrary library, Clock clock, EventRetention retention) {
        this.clock = clock;
        this.interest = library.eventInterest();
        this.configInterest = library.configInterest();
        this.retention = retention;
        KieSessionConfiguration configuration = org.kie.api.KieServices.Factory.get().newKieSessionConfiguration();
        configuration.setOption(clock == Clock.PSEUDO ? ClockTypeOption.PSEUDO : ClockTypeOption.REALTIME);
        this.session = library.kieBase().newKieSession(configuration, null);
        session.setGlobal(FindingFactory.GLOBAL, library.findingFactory());
        this.counting = new Counting(library.rules().stream().filter(r -> library.isEnabled(r.id())).toList(),
                library.parameters(), () -> tickedAt);
        if (!counting.isEmpty()) {
            session.setGlobal(Counting.GLOBAL, counting);
        }
        library.parameters().forEach(session::insert);
        this.baselinedEntries = session.getEntryPoint(BASELINED_ENTRIES);
        declareBaseline(library.baseline());
        session.addEventListener(new FindingTracker());
        this.tickedAt = session.getSessionClock().getCurrentTime();
        this.tickHandle = session.insert(new Tick(tickedAt));
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void afterMatchFired(AfterMatchFiredEvent event) {
                firedThisCycle++;
                firings.computeIfAbsent(event.getMatch().getRule().getPackageName(), p -> new Firings()).count();
            }
        });
    }

    /** Replaces the declared configuration baseline; scenarios declare their own. */
    public void declareBaseline(Collection<io.annexa.evidence.BaselineValue> values) {
        baseline.forEach(session::delete);
        baseline.clear();
        values.forEach(value -> baseline.add(session.insert(value)));
        baselineValues = List.copyOf(values);
        if (baselinedEntries != null) {
            baselined.values().forEach(handles -> handles.forEach(baselinedEntries::delete));
            baselined.clear();
            evidence().forEach(this::insertBaselined);
        }
    }

    private void insertBaselined(EvidenceKey key, Collection<?> facts) {
        if (baselinedEntries == null || baselineValues.isEmpty()) {
            return;
        }
        List<FactHandle> handles = null;
        for (Object fact : facts) {
            if (fact instanceof ConfigEntry entry && baselineNames(entry)) {
                if (handles == null) {
                    handles = new ArrayList<>();
                }
                handles.add(baselinedEntries.insert(entry));
            }
        }
        if (handles != null) {
            baselined.put(key, handles);
        }
    }

    private boolean baselineNames(ConfigEntry entry) {
        for (BaselineValue value : baselineValues) {
            if (value.getSource().equals(entry.getSource()) && value.isKey(entry.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** Replaces everything the previous read under {@code key} inserted with {@code facts}. */
    public void replace(EvidenceKey key, Collection<?> facts) {
        retract(key);
        ensureAsset(key.asset());
        keysByAsset.merge(key.asset(), 1, Integer::sum);
        heldByAsset.computeIfAbsent(key.asset(), a -> new HashSet<>()).add(key);
        List<FactHandle> handles = new ArrayList<>(facts.size());
        List<ConfigEntry> notRead = null;
        boolean configuration = false;
        for (Object fact : facts) {
            configuration |= fact instanceof ConfigEntry;
            if (fact instanceof ConfigEntry entry && !configInterest.reads(entry)) {
                if (notRead == null) {
                    notRead = new ArrayList<>();
                }
                notRead.add(entry);
            } else if (fact instanceof ConfigFile file) {
                configuration = true;
                handles.add(session.insert(file.settingKeysOf(entriesOfKind(key, facts))));
            } else {
                handles.add(session.insert(fact));
            }
        }
        evidence.put(key, handles);
        if (notRead != null) {
            unread.put(key, UnreadEntries.pack(notRead));
        }
        if (configuration) {
            retellOtherReads(key);
        }
        insertBaselined(key, facts);
        observed.merge(key.scope(), 1, Integer::sum);
        refreshed.add(key.scope());
    }

    /** The other reads this session holds of {@code key}'s kind for its asset: a PAM service each, a rules file and the rules loaded. */
    private List<EvidenceKey> otherReads(EvidenceKey key) {
        List<EvidenceKey> others = null;
        for (EvidenceKey held : heldByAsset.getOrDefault(key.asset(), Set.of())) {
            if (!held.equals(key) && held.source().equals(key.source())) {
                if (others == null) {
                    others = new ArrayList<>();
                }
                others.add(held);
            }
        }
        return others == null ? List.of() : others;
    }

    /** The configuration entries of {@code facts} (the read under {@code key}) and of the other reads of its kind and asset. */
    private Collection<ConfigEntry> entriesOfKind(EvidenceKey key, Collection<?> facts) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (Object fact : facts) {
            if (fact instanceof ConfigEntry entry) {
                entries.add(entry);
            }
        }
        for (EvidenceKey other : otherReads(key)) {
            entries.addAll(entriesOf(other));
        }
        return entries;
    }

    private List<ConfigEntry> entriesOf(EvidenceKey key) {
        List<ConfigEntry> entries = new ArrayList<>();
        for (FactHandle handle : evidence.getOrDefault(key, List.of())) {
            if (session.getObject(handle) instanceof ConfigEntry entry) {
                entries.add(entry);
            }
        }
        entries.addAll(UnreadEntries.unpack(unread.getOrDefault(key, List.of())));
        return entries;
    }

    /**
     * Tells the configuration files of the other reads of {@code key}'s kind and asset which keys that kind sets now
     * that the read under {@code key} came or went ({@link ConfigFile#setsGlobally}).
     */
    private void retellOtherReads(EvidenceKey key) {
        List<EvidenceKey> others = otherReads(key);
        if (others.isEmpty()) {
            return;
        }
        List<ConfigEntry> all = new ArrayList<>(entriesOf(key));
        others.forEach(other -> all.addAll(entriesOf(other)));
        for (EvidenceKey other : others) {
            for (FactHandle handle : evidence.getOrDefault(other, List.of())) {
                if (session.getObject(handle) instanceof ConfigFile file) {
                    ConfigFile told = file.settingKeysOf(all);
                    if (!told.knowsSameKeysAs(file)) {
                        session.update(handle, told);
                    }
                }
            }
        }
    }

    /**
     * Replaces one host snapshot with the next (see {@link io.annexa.evidence.EvidenceSink#replaceSnapshot}): the keys of
     * {@code asset} from {@code origin} (or below it) that {@code snapshot} lacks are withdrawn, the others replaced.
     * Nothing fires in between, so the next {@link #fire} sees the new snapshot whole.
     */
    public void replaceSnapshot(String asset, String origin, Map<EvidenceKey, ? extends Collection<?>> snapshot) {
        io.annexa.evidence.SnapshotKeys.check(asset, origin, snapshot.keySet());
        List<EvidenceKey> gone = heldByAsset.getOrDefault(io.annexa.evidence.AssetNames.normalize(asset), Set.of()).stream()
                .filter(key -> io.annexa.evidence.SnapshotKeys.belongs(key, asset, origin) && !snapshot.containsKey(key))
                .toList();
        // the new snapshot first: the asset keeps evidence throughout, so its Asset fact is not dropped and made again
        snapshot.forEach(this::replace);
        gone.forEach(this::withdraw);
    }

    /**
     * Retracts everything read under {@code key}; findings resting on it go by truth maintenance. The next
     * {@link #fire} reports the scope as removed unless another key still holds evidence for it then, even when
     * this session never held the key: after a restart that is how a source reports what went away meanwhile.
     */
    public void withdraw(EvidenceKey key) {
        retract(key);
        retellOtherReads(key);
        withdrawn.add(key.scope());
        dropGoneAssets();
    }

    private void retract(EvidenceKey key) {
        List<FactHandle> previousBaselined = baselined.remove(key);
        if (previousBaselined != null) {
            previousBaselined.forEach(baselinedEntries::delete);
        }
        unread.remove(key);
        List<FactHandle> previous = evidence.remove(key);
        if (previous != null) {
            previous.forEach(session::delete);
            observed.computeIfPresent(key.scope(), (scope, count) -> count == 1 ? null : count - 1);
            if (keysByAsset.computeIfPresent(key.asset(), (asset, count) -> count == 1 ? null : count - 1) == null) {
                maybeGone.add(key.asset());
            }
            Set<EvidenceKey> held = heldByAsset.get(key.asset());
            if (held != null && held.remove(key) && held.isEmpty()) {
                heldByAsset.remove(key.asset());
            }
        }
    }

    /**
     * Takes over evidence from a session of an earlier rule library. Unlike {@link #replace} it does not
     * count as a fresh read: nothing was re-read, only the rules changed.
     */
    void carryOver(EvidenceKey key, List<Object> facts) {
        replace(key, facts);
        refreshed.remove(key.scope());
    }

    /**
     * Takes over, for the windows of rules that {@code unchanged} accepts, whether an earlier session of an earlier
     * rule library had reported their current burst. This session counted only the live events again: events that
     * expired meanwhile make it see less of a burst the earlier one reported (it would report its continuation as
     * new), and unchanged rules' incidents found while counting again are not reported, so without this a window
     * could also be marked reported for a burst nobody was told of.
     */
    void carryOverReported(EvaluationSession earlier, java.util.function.Predicate<String> unchanged) {
        Map<List<String>, Boolean> reported = new HashMap<>();
        for (Object o : earlier.session.getObjects(o -> o instanceof EventWindow w && unchanged.test(w.getRule()))) {
            EventWindow w = (EventWindow) o;
            reported.put(List.of(w.getRule(), w.getAsset(), w.getKey()), w.isReported());
        }
        carryOverReported(reported, unchanged);
    }

    /**
     * Takes over the windows an earlier session counted for rules that count the same way here (their events are
     * not kept to be counted again); see {@link Counting#takeOver}. Call before the live events are carried over.
     */
    void carryOverCounts(EvaluationSession earlier) {
        counting.takeOver(earlier.counting, session);
    }

    /** The windows of rules that declare a count:, for tests. */
    List<EventWindow> countedWindows() {
        return counting.windows();
    }

    /** The evidence this session holds, by key: what a session of a new rule library must start from. */
    Map<EvidenceKey, List<Object>> evidence() {
        Map<EvidenceKey, List<Object>> copy = new java.util.LinkedHashMap<>();
        evidence.forEach((key, handles) -> {
            List<Object> facts = new ArrayList<>(handles.size());
            handles.forEach(handle -> facts.add(session.getObject(handle)));
            facts.addAll(UnreadEntries.unpack(unread.getOrDefault(key, List.of())));
            copy.put(key, facts);
        });
        return copy;
    }

    /** The facts of one type in working memory, for tests. */
    <T> List<T> factsOfType(Class<T> type) {
        return session.getObjects(type::isInstance).stream().map(type::cast).toList();
    }

    /** Events still inside their expiry, oldest first. */
    List<io.annexa.evidence.LogEvent> liveEvents() {
        return session.getObjects(o -> o instanceof io.annexa.evidence.LogEvent).stream()
                .map(io.annexa.evidence.LogEvent.class::cast)
                // by milliseconds first: making an Instant per comparison made a swap's sort of 100,000 events slow
                .sorted(java.util.Comparator.comparingLong(io.annexa.evidence.LogEvent::getEpochMillis)
                        .thenComparing(io.annexa.evidence.LogEvent::getTimestamp))
                .toList();
    }

    /**
     * Inserts a timestamped event. With the pseudo clock the clock first moves to the event's time and
     * rules fire right away, as a real-time session would have done when the event happened.
     */
    public void insertEvent(Object event, Instant timestamp) {
        Kind kind = event instanceof LogEvent log ? kind(log.getKind()) : null;
        if (clock == Clock.PSEUDO) {
            SessionPseudoClock pseudo = session.getSessionClock();
            long delta = timestamp.toEpochMilli() - pseudo.getCurrentTime();
            if (delta > 0) {
                pseudo.advanceTime(delta, TimeUnit.MILLISECONDS);
                // what fired with the events before has been fired: those past their retention may go now
                expire(pseudo.getCurrentTime());
            }
            if (kind != null && kind.retentionMillis < 0) {
                kind.notInserted++;
                if (tick()) {
                    fireAll();
                }
                return;
            }
            FactHandle handle = session.insert(event);
            tick();
            fireAll();
            if (kind != null) {
                keepIfMatched((DefaultEventHandle) handle, kind);
            }
        } else if (kind != null && kind.retentionMillis < 0) {
            kind.notInserted++;
        } else {
            // kept or dropped once the cycle has fired (settle): the rules see every event once
            FactHandle handle = session.insert(event);
            if (kind != null) {
                unsettled.add((DefaultEventHandle) handle);
            }
        }
    }

    /**
     * Keeps an event that some rule's pattern took in until its kind's retention has passed, and deletes at once one
     * that every pattern's own constraints refused (a PAM failure where rules read sshd's): its fields never change,
     * so no rule can take it in later, and keeping it would only cost memory and expiry work.
     */
    private void keepIfMatched(DefaultEventHandle handle, Kind kind) {
        if (handle.hasMatches()) {
            kind.live.add(handle);
        } else {
            kind.unmatched++;
            session.delete(handle);
        }
    }

    private void settleInserted() {
        for (DefaultEventHandle handle : unsettled) {
            if (handle.getObject() instanceof LogEvent event) {
                keepIfMatched(handle, kind(event.getKind()));
            }
        }
        unsettled.clear();
    }

    private Kind kind(String name) {
        Kind kind = kinds.get(name);
        if (kind == null) {
            kind = new Kind(interest.retentionMillis(name, retention));
            kinds.put(name, kind);
        }
        return kind;
    }

    /** Deletes the events whose retention has passed at {@code now}, and what belonged to assets that are gone since. */
    private void expire(long now) {
        for (Kind kind : kinds.values()) {
            // a kind no rule reads any more (after a change in place) is let go whole
            for (DefaultEventHandle oldest = kind.live.peek(); oldest != null
                    && (kind.retentionMillis < 0 || oldest.getStartTimestamp() + kind.retentionMillis <= now); oldest = kind.live.peek()) {
                kind.live.poll();
                session.delete(oldest);
            }
        }
        dropGoneAssets();
    }

    /**
     * An asset whose evidence is all withdrawn and whose events have all expired is gone: its {@code Asset} fact and
     * the windows rules kept for it go too, so a fleet whose hosts come and go does not leave state behind.
     */
    private void dropGoneAssets() {
        if (maybeGone.isEmpty()) {
            return;
        }
        List<String> candidates = new ArrayList<>(maybeGone);
        maybeGone.clear();
        for (String asset : candidates) {
            if (keysByAsset.containsKey(asset) || liveEventsByAsset.containsKey(asset) || counting.holds(asset)) {
                continue;
            }
            FactHandle handle = assets.remove(asset);
            if (handle != null) {
                session.delete(handle);
            }
            Set<FactHandle> windows = windowsByAsset.remove(asset);
            if (windows != null) {
                new ArrayList<>(windows).forEach(session::delete);
            }
        }
    }

    /** Log events of one kind: how long they stay, those in working memory (oldest first), and those not inserted. */
    private static final class Kind {
        /** -1: no enabled rule reads the kind, and its events are only counted. Changes with the library in place. */
        private long retentionMillis;
        // ordered by event time, not arrival: events of several senders arrive out of order
        private final java.util.PriorityQueue<DefaultEventHandle> live =
                new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(DefaultEventHandle::getStartTimestamp));
        private long notInserted;
        private long unmatched;

        Kind(long retentionMillis) {
            this.retentionMillis = retentionMillis;
        }
    }

    /** Log events by kind: how long each kind stays, how many are in working memory, how many were not inserted. */
    public EventStats eventStats() {
        Map<String, EventStats.KindStats> byKind = new java.util.TreeMap<>();
        kinds.forEach((name, kind) -> byKind.put(name, new EventStats.KindStats(
                kind.retentionMillis < 0 ? null : java.time.Duration.ofMillis(kind.retentionMillis), kind.live.size(),
                kind.notInserted, kind.unmatched)));
        return new EventStats(byKind);
    }

    // ---------------------------------------------------------------- a library change in place (InPlaceChange)

    /** The KieBase this session runs: changed in place by {@link InPlaceChange}. */
    org.drools.kiesession.rulebase.InternalKnowledgeBase kieBase() {
        return (org.drools.kiesession.rulebase.InternalKnowledgeBase) session.getKieBase();
    }

    /** Whether no other session runs with this one's KieBase: changing it would change theirs too (a replay's). */
    boolean runsItsKieBaseAlone() {
        return kieBase().getKieSessions().stream().allMatch(other -> other == session);
    }

    /**
     * Forgets what the rules {@code ruleIds} kept of their own, before their new version (or nothing) takes over: their
     * {@link EventWindow}s, which the new version counts again from the live events. Call it once their DRL packages
     * are out of the KieBase, so that no rule of theirs sees the deletion.
     *
     * @return whether each deleted window had reported its burst, by (rule, asset, key): what the rules had told
     */
    Map<List<String>, Boolean> resetRuleState(Set<String> ruleIds) {
        // the windows the engine keeps for declared counting follow the new library in useLibrary
        Map<List<String>, Boolean> reported = new HashMap<>();
        // by class: Drools then walks the windows only, not all of working memory; a copy, as the deletions change it
        for (FactHandle handle : new ArrayList<FactHandle>(session.getFactHandles(new ClassObjectFilter(EventWindow.class)))) {
            if (session.getObject(handle) instanceof EventWindow window && ruleIds.contains(window.getRule())) {
                reported.put(List.of(window.getRule(), window.getAsset(), window.getKey()), window.isReported());
                session.delete(handle);
            }
        }
        return reported;
    }

    /** Replaces the {@link io.annexa.evidence.RuleParameter} facts of the rules {@code ruleIds} with {@code parameters}. */
    void replaceParameters(Set<String> ruleIds, Collection<io.annexa.evidence.RuleParameter> parameters) {
        for (FactHandle handle : new ArrayList<FactHandle>(session.getFactHandles(new ClassObjectFilter(io.annexa.evidence.RuleParameter.class)))) {
            if (session.getObject(handle) instanceof io.annexa.evidence.RuleParameter p && ruleIds.contains(p.rule())) {
                session.delete(handle);
            }
        }
        parameters.forEach(session::insert);
    }

    /**
     * From now on this session serves {@code library}, whose rules its KieBase now holds: findings are made for its
     * rules, and log events and configuration entries are kept as its rules read them. Events kept longer than the new
     * rules need (all those of a kind no rule reads any more) leave working memory when the next cycle has fired, not
     * before: should the change fail until then, a new session of the previous rules takes them over. A kind newly read
     * is inserted from the next event on (until now its events were only counted). Configuration entries move in or
     * out of working memory as the rules now read them.
     */
    void useLibrary(RuleLibrary library, Set<String> changedRules) {
        session.setGlobal(FindingFactory.GLOBAL, library.findingFactory());
        // windows of rules that count as before go on; the rules re-added do not count the live events again
        counting.retarget(library.enabledRules(), library.parameters(), changedRules::contains, session);
        if (!counting.isEmpty()) {
            session.setGlobal(Counting.GLOBAL, counting);
        }
        interest = library.eventInterest();
        kinds.forEach((name, kind) -> kind.retentionMillis = interest.retentionMillis(name, retention));
        ConfigInterest reads = library.configInterest();
        if (!Set.copyOf(reads.reads()).equals(Set.copyOf(configInterest.reads()))) {
            configInterest = reads;
            sortEntriesByInterest();
        }
    }

    /** Moves configuration entries into working memory that the rules now read, and out those they no longer read. */
    private void sortEntriesByInterest() {
        Map<EvidenceKey, List<ConfigEntry>> notRead = new HashMap<>();
        evidence.forEach((key, handles) -> handles.removeIf(handle -> {
            if (session.getObject(handle) instanceof ConfigEntry entry && !configInterest.reads(entry)) {
                session.delete(handle);
                notRead.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
                return true;
            }
            return false;
        }));
        for (EvidenceKey key : List.copyOf(unread.keySet())) {
            for (ConfigEntry entry : UnreadEntries.unpack(unread.remove(key))) {
                if (configInterest.reads(entry)) {
                    evidence.get(key).add(session.insert(entry));
                } else {
                    notRead.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
                }
            }
        }
        notRead.forEach((key, entries) -> unread.put(key, UnreadEntries.pack(entries)));
    }

    /** Refuses exactly the rules of these DRL packages from now on: the quarantines in force for a new library. */
    void refuseOnly(Collection<String> drlPackages) {
        refused.clear();
        refused.addAll(drlPackages);
    }

    /**
     * As {@link #carryOverReported(EvaluationSession, java.util.function.Predicate)}, from what an earlier session's
     * windows had reported, by (rule, asset, key), as {@link #resetRuleState} returns it.
     */
    void carryOverReported(Map<List<String>, Boolean> reported, java.util.function.Predicate<String> rules) {
        for (FactHandle handle : session.getFactHandles(o -> o instanceof EventWindow w && rules.test(w.getRule()))) {
            EventWindow w = (EventWindow) session.getObject(handle);
            Boolean before = reported.get(List.of(w.getRule(), w.getAsset(), w.getKey()));
            if (before != null && before != w.isReported()) {
                w.reportedAs(before);
                session.update(handle, w, "reported");
            }
        }
    }

    /** Takes over the counts of events an earlier session did not insert, so that a swap does not reset them. */
    void carryOverEventCounts(EvaluationSession earlier) {
        earlier.kinds.forEach((name, kind) -> {
            Kind here = kind(name);
            here.notInserted += kind.notInserted;
            here.unmatched += kind.unmatched;
        });
    }

    /**
     * Fires what is activated, but not forever: a rule that keeps re-activating itself (a {@code modify}
     * that changes what its own pattern reads) would otherwise hold the evaluation thread and fill the heap.
     * Without a {@link #onRuleFailure failure handler} such a rule, or one whose consequence throws, fails the
     * call (rule tests and drafts want exactly that); with one, the rule is refused from then on and the others
     * fire on. Which rule loops is found by watching a few more firings ({@link LoopDiagnosis}), not by counting.
     */
    private void fireAll() {
        while (true) {
            LoopDiagnosis loop;
            try {
                if (session.fireAllRules(notRefused, FIRING_LIMIT) < FIRING_LIMIT) {
                    return;
                }
                // the rule with the most firings may be one a looping rule only activates: watch who activates whom
                loop = LoopDiagnosis.watch(session, notRefused);
            } catch (ConsequenceException e) {
                if (onRuleFailure == null) {
                    throw e;
                }
                // the match that threw names its rule; Drools left the agenda at rest, so firing again goes on with the rest
                Throwable cause = e.getCause() == null ? e : e.getCause();
                refuse(e.getMatch().getRule().getPackageName(), e.getMatch().getRule().getName(),
                        "its consequence threw " + cause.getClass().getName() + ": " + cause.getMessage());
                continue;
            }
            if (loop.settled()) {
                return; // much to do, but it came to rest
            }
            if (onRuleFailure == null) {
                throw new RuleLoopException(loop.explain(FIRING_LIMIT));
            }
            for (String drlPackage : loop.drlPackages()) {
                refuse(drlPackage, null, loop.explain(FIRING_LIMIT));
            }
        }
    }

    /**
     * From now on a rule that fails at run time (its consequence throws, or it fires {@link #FIRING_LIMIT} times
     * without settling) is refused, i.e. quarantined, and reported to {@code handler}; the other rules go on.
     */
    void onRuleFailure(java.util.function.Consumer<RuleFailure> handler) {
        this.onRuleFailure = handler;
    }

    /** Refuses the rules of these DRL packages: their matches are dropped unfired. */
    void refuse(Collection<String> drlPackages) {
        refused.addAll(drlPackages);
    }

    private void refuse(String drlPackage, String ruleName, String reason) {
        refused.add(drlPackage);
        onRuleFailure.accept(new RuleFailure(drlPackage, ruleName, reason));
    }

    /**
     * A rule that failed at run time and is refused from then on.
     *
     * @param ruleName the DRL rule whose consequence threw; null for a loop, which may involve several
     */
    record RuleFailure(String drlPackage, String ruleName, String reason) {
    }

    /** One DRL package's firings since the session started. */
    private static final class Firings {
        private long total;

        void count() {
            total++;
        }
    }

    /** Rules did not settle within {@link #FIRING_LIMIT} firings. */
    public static final class RuleLoopException extends IllegalStateException {
        RuleLoopException(String message) {
            super(message);
        }
    }

    /** Moves the {@link Tick} on, at most once per {@link Tick#PERIOD_MILLIS} of session time; true when it moved. */
    private boolean tick() {
        long now = session.getSessionClock().getCurrentTime();
        if (now - tickedAt >= Tick.PERIOD_MILLIS) {
            tickedAt = now;
            session.update(tickHandle, new Tick(now));
            maybeGone.addAll(counting.forgetQuiet(now, session));
            return true;
        }
        return false;
    }

    /** Fires what the changes since the last cycle activated and reports the resulting state. */
    public EvaluationResult fire() {
        settle();
        Instant at = Instant.ofEpochMilli(session.getSessionClock().getCurrentTime());
        EvaluationResult result = new EvaluationResult(at, findings.keySet(), observed.keySet(), refreshed,
                firedThisCycle, incidents, withdrawn);
        incidents.clear();
        refreshed.clear();
        withdrawn.clear();
        firedThisCycle = 0;
        return result;
    }

    /**
     * Fires the rules over what was carried over from an earlier session, before any new input, and returns the
     * incidents they raised. Evidence carried over was not re-read, so nothing counts as refreshed.
     */
    List<Finding> settleCarriedOver() {
        settle(true);
        counting.carriedOverCounted();
        List<Finding> raised = List.copyOf(incidents);
        incidents.clear();
        return raised;
    }

    /**
     * Fires the rules a change in place ({@link InPlaceChange}) added over what working memory holds, and returns the
     * incidents they raised. Nothing expires here: every event live before the change stays until the next cycle, for a
     * new session of the previous rules should the change fail before it is done.
     */
    List<Finding> settleChange() {
        settle(false);
        counting.carriedOverCounted();
        List<Finding> raised = List.copyOf(incidents);
        incidents.clear();
        return raised;
    }

    private void settle() {
        settle(true);
    }

    private void settle(boolean expire) {
        tick();
        fireAll();
        settleInserted();
        if (expire) {
            expire(session.getSessionClock().getCurrentTime());
        }
        // Incidents are reported once; keeping them would let working memory grow with every attack.
        reportedIncidents.forEach(session::delete);
        reportedIncidents.clear();
        fireAll();
    }

    /** How often each rule (by DRL package) has fired since the session started. */
    public Map<String, Long> firings() {
        Map<String, Long> totals = new HashMap<>();
        firings.forEach((drlPackage, counted) -> totals.put(drlPackage, counted.total));
        return Map.copyOf(totals);
    }

    public long factCount() {
        return session.getFactCount();
    }

    @Override
    public void close() {
        session.dispose();
    }

    private void ensureAsset(String name) {
        if (!assets.containsKey(name)) {
            assets.put(name, session.insert(new Asset(name)));
        }
    }

    /** Keeps the current findings without scanning working memory after each cycle. */
    private final class FindingTracker implements RuleRuntimeEventListener {
        @Override
        public void objectInserted(ObjectInsertedEvent event) {
            Object object = event.getObject();
            if (object instanceof LogEvent log) {
                liveEventsByAsset.merge(log.getAsset(), 1, Integer::sum);
                return;
            }
            if (object instanceof EventWindow window) {
                windowsByAsset.computeIfAbsent(window.getAsset(), a -> new HashSet<>()).add(event.getFactHandle());
                return;
            }
            if (event.getObject() instanceof Finding finding) {
                if (finding.isIncident()) {
                    incidents.add(finding);
                    reportedIncidents.add(event.getFactHandle());
                } else {
                    findings.merge(finding, 1, Integer::sum);
                }
            }
        }

        @Override
        public void objectUpdated(ObjectUpdatedEvent event) {
            objectDeleted(event.getOldObject());
            if (event.getObject() instanceof Finding finding && !finding.isIncident()) {
                findings.merge(finding, 1, Integer::sum);
            }
        }

        @Override
        public void objectDeleted(ObjectDeletedEvent event) {
            Object old = event.getOldObject();
            if (old instanceof LogEvent log) {
                if (liveEventsByAsset.computeIfPresent(log.getAsset(), (asset, count) -> count == 1 ? null : count - 1) == null) {
                    maybeGone.add(log.getAsset());
                }
                return;
            }
            if (old instanceof EventWindow window) {
                Set<FactHandle> windows = windowsByAsset.get(window.getAsset());
                if (windows != null && windows.remove(event.getFactHandle()) && windows.isEmpty()) {
                    windowsByAsset.remove(window.getAsset());
                }
                return;
            }
            objectDeleted(old);
        }

        private void objectDeleted(Object old) {
            if (old instanceof Finding finding && !finding.isIncident()) {
                findings.computeIfPresent(finding, (f, count) -> count == 1 ? null : count - 1);
            }
        }
    }
}
