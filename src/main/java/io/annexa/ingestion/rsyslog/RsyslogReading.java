package io.annexa.ingestion.rsyslog;

import io.annexa.evidence.ConfigEntry;
import io.annexa.ingestion.ConfigLines;
import io.annexa.ingestion.IncludeRoot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One parse of an rsyslog configuration: the entries so far and the state included files share with it. */
final class RsyslogReading {

    static final int MAX_INCLUDE_DEPTH = 16;
    private static final String DEFAULT_RULESET = "RSYSLOG_DefaultRuleset";

    private final String asset;
    private final Instant observed;
    private final IncludeRoot includeRoot;
    private final List<ConfigEntry> entries = new ArrayList<>();
    private final java.util.List<io.annexa.evidence.UnresolvedInclude> unresolved = new ArrayList<>();
    /** Set by legacy {@code $RuleSet}: the ruleset of every top-level statement that follows, included files too. */
    private String legacyRuleset = "";

    RsyslogReading(String asset, Instant observed, IncludeRoot includeRoot) {
        this.asset = asset;
        this.observed = observed;
        this.includeRoot = includeRoot;
    }

    List<ConfigEntry> entries() {
        return entries;
    }

    List<io.annexa.evidence.UnresolvedInclude> unresolved() {
        return unresolved;
    }

    /** @param scope the statement's scope, null at the top level */
    void read(Path path, String scope, int depth) throws InvalidInputException, IOException {
        Scanner scanner = new Scanner(ConfigLines.read(path, "an rsyslog configuration"), path.toString());
        new StatementReader(scanner, this, depth).file(scope);
    }

    void add(String file, int line, String key, String value, String scope) {
        entries.add(new ConfigEntry(asset, RsyslogConfigParser.SOURCE, file, line, key, value,
                scope == null ? topScope() : scope, observed));
    }

    String topScope() {
        return legacyRuleset.isEmpty() ? "" : "ruleset " + legacyRuleset;
    }

    void legacyRuleset(String name) {
        legacyRuleset = name.equalsIgnoreCase(DEFAULT_RULESET) ? "" : name;
    }

    /**
     * Reads the files an include names where the include stands. A pattern ending in '/' or naming a directory
     * includes every file in it, in name order. Without an include root nothing is read.
     *
     * @param mustExist true for include(mode="abort-if-missing"), where rsyslog refuses to start without a match
     */
    void include(String pattern, boolean mustExist, String scope, int depth, String file, int line)
            throws InvalidInputException, IOException {
        if (includeRoot == null) {
            unresolved.add(io.annexa.ingestion.Includes.notFollowed(asset, RsyslogConfigParser.SOURCE, file, line, pattern, observed));
            return;
        }
        if (depth + 1 > MAX_INCLUDE_DEPTH) {
            throw new InvalidInputException(file, line, "includes nested more than " + MAX_INCLUDE_DEPTH
                    + " levels deep (an include loop?): " + pattern);
        }
        String absolute = (pattern.startsWith("/") ? "" : "/") + pattern + (pattern.endsWith("/") ? "*" : "");
        List<Path> files = new ArrayList<>();
        for (Path found : includeRoot.glob(absolute, file, line)) {
            if (Files.isDirectory(found)) {
                files.addAll(IncludeRoot.filesIn(found, name -> !name.startsWith(".")));
            } else if (Files.isRegularFile(found)) {
                files.add(found);
            }
        }
        if (files.isEmpty() && mustExist) {
            throw new InvalidInputException(file, line, "include '" + pattern + "' (mode abort-if-missing) matches no file");
        }
        for (Path included : files) {
            read(included, scope, depth + 1);
        }
    }
}
