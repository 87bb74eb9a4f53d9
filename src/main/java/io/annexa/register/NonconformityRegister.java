package io.annexa.register;

import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.Finding;
import io.annexa.evaluation.Finding.FindingKey;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Turns the engine's findings into the register's nonconformities.
 *
 * <p>A finding opens a nonconformity for its (rule, asset), or refreshes the open one. An open
 * nonconformity is resolved only on positive evidence: the session holds fresh evidence of a kind the
 * rule reads for that asset, and the rule no longer finds anything. Missing evidence (after a restart,
 * before the sources have been read again) never resolves anything.
 *
 * <p>An incident (a brute-force burst) opens a nonconformity too, or adds its evidence to the open one, so
 * the nonconformity names every offending source. Incidents are never resolved by their absence: the events
 * are gone, what happened did happen.
 *
 * <p>One row the database refuses (a value too long for its column, a broken constraint) must not hold back the
 * others: the changes are stored in one transaction, and when that fails on the data, one by one; a refused row is
 * logged, counted ({@link #rejectedRows}) and left out, and the others are stored. Any other failure (the
 * database is unreachable) fails the whole reconciliation, which the next cycle retries.
 *
 * <p>Not thread-safe: called by the evaluation thread only.
 */
public final class NonconformityRegister {

    private static final Logger LOG = Logger.getLogger(NonconformityRegister.class.getName());

    public enum ChangeKind { OPENED, UPDATED, RESOLVED }

    /** What one reconciliation changed, in the order it was stored. */
    public record Change(ChangeKind kind, Nonconformity nonconformity) {
    }

    private final NonconformityRepository repository;
    private final Map<FindingKey, Nonconformity> open = new HashMap<>();
    /** Rows the database refused, so each is logged as an error once and not every cycle. */
    private final Set<FindingKey> refused = new HashSet<>();
    private volatile long rejectedRows;

    public NonconformityRegister(NonconformityRepository repository) {
        this.repository = repository;
        reload();
    }

    private void reload() {
        open.clear();
        for (Nonconformity nc : repository.findOpen()) {
            open.put(new FindingKey(nc.getRuleId(), nc.getAsset()), nc);
        }
    }

    public List<Change> reconcile(EvaluationResult result, Function<String, Optional<RuleDefinition>> rules) {
        Map<FindingKey, String> evidence = evidenceByKey(result.findings());
        Map<FindingKey, ChangeKind> kinds = new HashMap<>();
        List<Nonconformity> changed = new ArrayList<>();

        evidence.forEach((key, text) -> rules.apply(key.ruleId()).ifPresent(rule -> {
            Nonconformity current = open.get(key);
            if (current == null) {
                Nonconformity nc = new Nonconformity(rule.id(), rule.title(), rule.controls(), rule.requirement(), key.asset(),
                        rule.severity().label(), text, result.at());
                changed.add(nc);
                kinds.put(key, ChangeKind.OPENED);
            } else if (!current.getEvidence().equals(Nonconformity.fit(text)) || refreshed(rule, key.asset(), result.refreshed())) {
                current.seenAgain(text, result.at());
                changed.add(current);
                kinds.put(key, ChangeKind.UPDATED);
            }
        }));

        Map<FindingKey, List<String>> incidents = incidentLinesByKey(result.incidents());
        incidents.forEach((key, lines) -> rules.apply(key.ruleId()).ifPresent(rule -> {
            if (kinds.containsKey(key)) {
                return;
            }
            Nonconformity current = open.get(key);
            if (current == null) {
                Nonconformity nc = new Nonconformity(rule.id(), rule.title(), rule.controls(), rule.requirement(), key.asset(),
                        rule.severity().label(), String.join("\n", lines), result.at());
                nc.markIncident();
                changed.add(nc);
                kinds.put(key, ChangeKind.OPENED);
                return;
            }
            java.util.SortedSet<String> merged = new java.util.TreeSet<>(current.getEvidence().lines().toList());
            if (merged.addAll(lines) || !current.isIncident()) {
                current.markIncident();
                current.seenAgain(String.join("\n", merged), result.at());
                changed.add(current);
                kinds.put(key, ChangeKind.UPDATED);
            }
        }));

        open.forEach((key, nc) -> {
            if (!evidence.containsKey(key) && !incidents.containsKey(key) && !nc.isIncident()) {
                rules.apply(key.ruleId())
                        .filter(rule -> refreshed(rule, key.asset(), result.observed()))
                        .ifPresent(rule -> {
                            nc.resolve(result.at());
                            changed.add(nc);
                            kinds.put(key, ChangeKind.RESOLVED);
                        });
            }
        });

        List<Change> changes = new ArrayList<>();
        try {
            store(changed, kinds, changes);
        } catch (RuntimeException e) {
            // The entities in memory were changed but not stored: start again from what the database holds,
            // so the next cycle retries the same changes instead of believing they were made.
            reload();
            throw e;
        }
        return changes;
    }

    private void store(List<Nonconformity> changed, Map<FindingKey, ChangeKind> kinds, List<Change> changes) {
        Consumer<Nonconformity> whenStored = stored -> {
            FindingKey key = new FindingKey(stored.getRuleId(), stored.getAsset());
            if (stored.getStatus() == NonconformityStatus.OPEN) {
                open.put(key, stored);
            } else {
                open.remove(key);
            }
            refused.remove(key);
            changes.add(new Change(kinds.get(key), stored));
        };
        try {
            repository.saveAll(changed, whenStored);
        } catch (RuntimeException e) {
            if (!refusedData(e)) {
                throw e;
            }
            for (Nonconformity nc : changed) {
                saveAlone(nc, whenStored);
            }
            // a refused row's entity in memory holds changes the database does not have: forget them
            reload();
        }
    }

    /** Stores one row in a transaction of its own; a row whose data the database refuses is left out. */
    private void saveAlone(Nonconformity nc, Consumer<Nonconformity> whenStored) {
        try {
            repository.saveAll(List.of(nc), whenStored);
        } catch (RuntimeException e) {
            if (!refusedData(e)) {
                throw e;
            }
            refuse(nc, e);
        }
    }

    private void refuse(Nonconformity nc, RuntimeException e) {
        rejectedRows++;
        FindingKey key = new FindingKey(nc.getRuleId(), nc.getAsset());
        if (refused.add(key)) {
            LOG.log(Level.SEVERE, "the register refused the nonconformity of rule " + nc.getRuleId() + " for asset "
                    + AssetNames.shown(nc.getAsset()) + "; it is left out, the others are stored", e);
        } else {
            LOG.fine(() -> "the register refused again the nonconformity of rule " + nc.getRuleId());
        }
    }

    /** SQL states of class 22 (data exception: a value too long) and 23 (integrity constraint violation). */
    private static boolean refusedData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /** How many times the database refused to store a nonconformity since start (each is logged). */
    public long rejectedRows() {
        return rejectedRows;
    }

    public int openCount() {
        return open.size();
    }

    private static boolean refreshed(RuleDefinition rule, String asset, Set<EvidenceScope> scopes) {
        return rule.sources().stream().anyMatch(source -> scopes.contains(new EvidenceScope(source, asset)));
    }

    private static Map<FindingKey, List<String>> incidentLinesByKey(List<Finding> incidents) {
        Map<FindingKey, List<String>> byKey = new java.util.LinkedHashMap<>();
        incidents.stream()
                .collect(Collectors.groupingBy(Finding::key, java.util.LinkedHashMap::new, Collectors.toList()))
                .forEach((key, list) -> byKey.put(key, list.stream().map(Finding::getEvidence).sorted().distinct().toList()));
        return byKey;
    }

    /** All findings of one (rule, asset) become one nonconformity; their evidence is listed in a stable order. */
    private static Map<FindingKey, String> evidenceByKey(Set<Finding> findings) {
        Map<FindingKey, String> byKey = new TreeMap<>((a, b) -> {
            int c = a.ruleId().compareTo(b.ruleId());
            return c != 0 ? c : a.asset().compareTo(b.asset());
        });
        findings.stream()
                .collect(Collectors.groupingBy(Finding::key))
                .forEach((key, list) -> byKey.put(key, list.stream().map(Finding::getEvidence).sorted().distinct()
                        .collect(Collectors.joining("\n"))));
        return byKey;
    }
}
