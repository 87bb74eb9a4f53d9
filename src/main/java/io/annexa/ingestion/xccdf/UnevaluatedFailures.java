package io.annexa.ingestion.xccdf;

import io.annexa.evidence.CheckResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The failed checks of each host that a later scan has not evaluated again, per route: a scan with another profile, or
 * one that could not check them (notchecked, unknown), says nothing about them, so their last failure stays evidence
 * ({@link #withUnevaluated}) until a scan evaluates them. Without this, a failure missing from the newer scan would be
 * taken as fixed and its nonconformity resolved.
 *
 * <p>Kept in {@code <data>/state/xccdf-failures/<route id>.tsv}, written at each change, so a restart does not forget
 * them either: the result files read again at start may be the newer ones only. Deleting a host's result file
 * withdraws its evidence, carried failures included, but does not forget them: the host's next scan is judged with
 * them. Thread-safe: one route's file consumer and the tests call it.
 */
final class UnevaluatedFailures {

    private static final Logger LOG = Logger.getLogger(UnevaluatedFailures.class.getName());
    private static final Set<String> FAILED = Set.of("fail", "error");
    private static final Set<String> EVALUATED = Set.of("pass", "fail", "error", "fixed", "notapplicable", "informational");

    private final Path store;
    /** asset → rule id → its last failure no later scan evaluated. */
    private final Map<String, Map<String, CheckResult>> failures;

    private UnevaluatedFailures(Path store, Map<String, Map<String, CheckResult>> failures) {
        this.store = store;
        this.failures = failures;
    }

    static UnevaluatedFailures at(Path store) {
        return new UnevaluatedFailures(store, load(store));
    }

    /**
     * A scan's checks of one host, with the failures earlier scans found and this one did not evaluate. Remembers this
     * scan's failures and forgets those it evaluated to something else.
     */
    synchronized List<CheckResult> withUnevaluated(String asset, List<CheckResult> checks) {
        Map<String, CheckResult> known = failures.computeIfAbsent(asset, a -> new TreeMap<>());
        Map<String, CheckResult> newest = new HashMap<>();
        for (CheckResult check : checks) {
            if (EVALUATED.contains(check.result())) {
                newest.merge(check.ruleId(), check, (a, b) -> b.checkedAt().isAfter(a.checkedAt()) ? b : a);
            }
        }
        boolean changed = false;
        for (CheckResult check : newest.values()) {
            CheckResult before = known.get(check.ruleId());
            if (before != null && !check.checkedAt().isAfter(before.checkedAt())) {
                continue; // an older scan read after a newer one
            }
            if (FAILED.contains(check.result())) {
                changed |= !check.equals(known.put(check.ruleId(), check));
            } else if (before != null) {
                known.remove(check.ruleId());
                changed = true;
            }
        }
        List<CheckResult> all = new ArrayList<>(checks);
        for (CheckResult failure : known.values()) {
            CheckResult now = newest.get(failure.ruleId());
            if (now == null || failure.checkedAt().isAfter(now.checkedAt())) {
                all.add(failure);
            }
        }
        if (known.isEmpty()) {
            failures.remove(asset);
        }
        if (changed) {
            save();
        }
        return all;
    }

    private void save() {
        StringBuilder text = new StringBuilder("# Annexa: failed OpenSCAP checks no later scan evaluated (asset, rule, result,"
                + " severity, checked at, file, title, controls, 2013 references; tab-separated). Written by Annexa.\n");
        failures.forEach((asset, byRule) -> byRule.values().forEach(c -> text.append(String.join("\t", escape(asset),
                escape(c.ruleId()), escape(c.result()), escape(c.severity()), c.checkedAt().toString(), escape(c.file()),
                escape(c.title()), escape(String.join(",", c.controls())), escape(String.join(",", c.references2013())))).append('\n')));
        try {
            Files.createDirectories(store.getParent());
            Path partial = store.resolveSibling(store.getFileName() + ".partial");
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot save " + store + "; failures not evaluated by later scans are kept in memory only", e);
        }
    }

    private static Map<String, Map<String, CheckResult>> load(Path store) {
        Map<String, Map<String, CheckResult>> failures = new HashMap<>();
        if (!Files.isRegularFile(store)) {
            return failures;
        }
        try {
            for (String line : Files.readAllLines(store, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 9) {
                    LOG.warning(() -> store + ": a line of " + f.length + " fields, not 9, skipped");
                    continue;
                }
                CheckResult check = new CheckResult(unescape(f[0]), XccdfResultParser.SOURCE, unescape(f[5]), unescape(f[1]),
                        unescape(f[6]), unescape(f[3]), unescape(f[2]), list(unescape(f[7])), list(unescape(f[8])), Instant.parse(f[4]));
                failures.computeIfAbsent(check.asset(), a -> new TreeMap<>()).put(check.ruleId(), check);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read " + store + "; failures not evaluated by later scans before this start are lost", e);
        }
        return failures;
    }

    private static List<String> list(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    private static String escape(String text) {
        return (text == null ? "" : text).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
