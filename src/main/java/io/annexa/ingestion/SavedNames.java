package io.annexa.ingestion;

import io.annexa.evidence.AssetNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Names (route ids, hosts) whose facts a source handed the engine and has not withdrawn yet, kept in a file under
 * {@code <data>/state} so that they are still known after a restart: the silence watch keeps the routes it reported
 * silent, the collection over SSH the hosts it reported failing. A name that is no longer configured when Annexa
 * starts again (its route removed, its expected interval unset, its host taken out of {@code config/hosts.yml}) is
 * then withdrawn at the first check, and the monitoring gap raised on it ends, instead of staying open forever.
 *
 * <p>One name a line, escaped like the evidence ledger's fields ({@link LedgerFile}); read as any input: lines
 * bounded in length, at most {@value #MAX_NAMES} names. A save replaces the whole file atomically. Thread-safe.
 */
public final class SavedNames {

    static final int MAX_NAMES = 100_000;
    private static final Logger LOG = Logger.getLogger(SavedNames.class.getName());

    private final Path file;
    private final String header;
    private final Set<String> names = new LinkedHashSet<>();
    private boolean changed;

    private SavedNames(Path file, String header) {
        this.file = file;
        this.header = header;
    }

    /**
     * The names saved in {@code file} (none when it does not exist yet). A file that cannot be read is logged and
     * starts empty: what it held is then not withdrawn, as before it existed.
     *
     * @param what what the names are, for the file's first line ({@code "routes reported silent"})
     */
    public static SavedNames in(Path file, String what) {
        SavedNames saved = new SavedNames(file, "# Annexa: " + what + ", one a line (\\t \\n \\r \\\\ escaped). Written by Annexa.");
        if (Files.exists(file)) {
            try {
                saved.load();
            } catch (IOException e) {
                LOG.log(Level.SEVERE, "cannot read " + file + "; starting without it, so " + what
                        + " before the restart and no longer configured stay as they were", e);
            }
        }
        return saved;
    }

    /** Kept in memory only: scenarios, tests, and anything that never restarts. */
    public static SavedNames inMemory() {
        return new SavedNames(null, "");
    }

    private void load() throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (Reader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            StringBuilder line = new StringBuilder();
            for (int number = 1; ; number++) {
                int status = LedgerFile.nextLine(in, line);
                if (status == LedgerFile.END) {
                    return;
                }
                int at = number;
                if (status == LedgerFile.CUT) {
                    LOG.warning(() -> file + ":" + at + ": line longer than " + LedgerFile.MAX_LINE + " characters, skipped");
                    continue;
                }
                if (line.isEmpty() || line.charAt(0) == '#') {
                    continue;
                }
                if (names.size() == MAX_NAMES) {
                    LOG.warning(() -> file + " holds more than " + MAX_NAMES + " names; the rest is ignored");
                    return;
                }
                try {
                    names.add(LedgerFile.unescape(line.toString(), "name"));
                } catch (IllegalArgumentException e) {
                    LOG.warning(() -> file + ":" + at + ": '" + AssetNames.shown(line.toString()) + "' " + e.getMessage() + ", skipped");
                }
            }
        }
    }

    public synchronized Set<String> names() {
        return Set.copyOf(names);
    }

    public synchronized boolean contains(String name) {
        return names.contains(name);
    }

    /** Records a name. There are as many as routes or hosts are configured; a file of more is cut when read back. */
    public synchronized void add(String name) {
        changed |= names.add(name);
    }

    /** @return whether the name was recorded */
    public synchronized boolean remove(String name) {
        boolean removed = names.remove(name);
        changed |= removed;
        return removed;
    }

    /** Writes the file when the names changed since the last save; a failure is logged and tried again at the next save. */
    public synchronized void saveIfChanged() {
        if (!changed || file == null) {
            return;
        }
        try {
            LedgerFile.replace(file, header, names.stream().map(LedgerFile::escape).toList());
            changed = false;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot save " + file + "; tried again at the next check", e);
        }
    }
}
