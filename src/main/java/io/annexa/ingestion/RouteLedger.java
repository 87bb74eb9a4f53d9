package io.annexa.ingestion;

import io.annexa.evidence.EvidenceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files one route read and the evidence keys each read produced, at most {@code maxEntries} (file, key)
 * pairs. Not thread-safe: {@link EvidenceLedger} holds its monitor around every use.
 */
final class RouteLedger {

    private final Path store;
    private final int maxEntries;
    private final Map<String, Set<EvidenceKey>> files;
    // in memory only: after a restart the routes read every file anyway
    private final Map<String, Runnable> readAgain = new HashMap<>();
    private int entries;
    private boolean changed;

    /**
     * @param store   where the ledger is saved; null when it is kept in memory only
     * @param files   what the store held at start
     */
    RouteLedger(Path store, int maxEntries, Map<String, Set<EvidenceKey>> files) {
        this.store = store;
        this.maxEntries = maxEntries;
        this.files = new LinkedHashMap<>(files);
        files.values().forEach(keys -> entries += keys.size());
    }

    Set<EvidenceKey> keysOf(String file) {
        return files.getOrDefault(file, Set.of());
    }

    /**
     * Records what the last read of {@code file} produced, replacing what the previous read did.
     *
     * @param readAgain makes the route read the file again at its next poll, though it did not change
     * @return false when the ledger had no room: the file is then not recorded at all
     */
    boolean record(String file, Set<EvidenceKey> keys, Runnable readAgain) {
        Set<EvidenceKey> before = keysOf(file);
        if (!keys.isEmpty() && keys.equals(before)) {
            // the same evidence again (a local file re-read on its schedule): nothing to save
            this.readAgain.put(file, readAgain);
            return true;
        }
        remove(file);
        if (keys.isEmpty()) {
            return true;
        }
        if (entries + keys.size() > maxEntries) {
            return false;
        }
        files.put(file, Set.copyOf(keys));
        this.readAgain.put(file, readAgain);
        entries += keys.size();
        changed = true;
        return true;
    }

    /** Forgets {@code file}; returns the keys it had produced. */
    Set<EvidenceKey> remove(String file) {
        readAgain.remove(file);
        Set<EvidenceKey> keys = files.remove(file);
        if (keys == null) {
            return Set.of();
        }
        entries -= keys.size();
        changed = true;
        return keys;
    }

    /**
     * Recorded files that no longer exist; a file whose existence cannot be told (no permission, or a name relative
     * to a route folder not known yet) is not one.
     *
     * @param where           the file a recorded name stands for now, or null when that cannot be told
     * @param folderUnchanged the route's folder did not change since the last check, so only files recorded outside it
     *                        (by absolute name) can be gone; file routes do not descend into subfolders
     */
    List<String> gone(java.util.function.Function<String, Path> where, boolean folderUnchanged) {
        return files.keySet().stream().filter(file -> !folderUnchanged || absolute(file)).filter(file -> {
            Path path = where.apply(file);
            return path != null && Files.notExists(path);
        }).toList();
    }

    /** Without parsing the name where names are paths from the root: called for every recorded file each check. */
    private static boolean absolute(String name) {
        return java.io.File.separatorChar == '/' ? name.startsWith("/") : Path.of(name).isAbsolute();
    }

    /**
     * For each of {@code keys}, the recorded files still there whose last read produced it; keys no such file
     * produced are absent. One pass over the ledger, however many keys: a whole inbox may go at once.
     */
    Map<EvidenceKey, List<String>> holders(Set<EvidenceKey> keys, java.util.function.Function<String, Path> where) {
        Map<EvidenceKey, List<String>> holders = new HashMap<>();
        if (keys.isEmpty()) {
            return holders;
        }
        files.forEach((file, produced) -> {
            List<EvidenceKey> wanted = produced.stream().filter(keys::contains).toList();
            Path path = where.apply(file);
            if (!wanted.isEmpty() && (path == null || !Files.notExists(path))) {
                wanted.forEach(key -> holders.computeIfAbsent(key, k -> new ArrayList<>()).add(file));
            }
        });
        return holders;
    }

    /** Makes the route read {@code file} again at its next poll; nothing when this run has not read it yet. */
    void readAgain(String file) {
        Runnable action = readAgain.get(file);
        if (action != null) {
            action.run();
        }
    }

    int entries() {
        return entries;
    }

    /** Writes the ledger when it changed since the last save; on failure it stays changed, for the next try. */
    void saveIfChanged() throws IOException {
        if (changed && store != null) {
            LedgerFile.write(store, files);
            changed = false;
        }
    }
}
