package io.annexa.ingestion.xccdf;

import io.annexa.ingestion.SavedNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which result files of one route a newer scan has replaced. A scan is often written to a new file at each run
 * ({@code scan-2026-12-01.xml}, then {@code scan-2026-12-02.xml}), and the older files stay in the folder: a host the
 * newer run left out would otherwise keep the older file's results for ever.
 *
 * <p>A result file is superseded by a newer one (a later end-time) of the same benchmark and profile that has at least
 * one of its hosts: the same scan, run again. A superseded file counts as deleted though it stays: its evidence is
 * withdrawn unless a file in force has the same host, and it is not read again while it is unchanged. Results of
 * another benchmark or profile, files that share no host (one result file per host), files of several benchmarks or
 * profiles at once, and files of the same end-time never supersede each other.
 *
 * <p>The superseded files are saved with their version (modification time and size, as {@code FileChanges} has it), in
 * {@code <data>/state/xccdf-superseded/<route id>.txt}, so that a restart, which reads every file again, does not put an
 * older scan back in force for a moment. The files in force are known from this run's reads. Deleting the newer file
 * does not bring an older one back by itself: an older file is judged again when it changes (touching it is enough).
 * Thread-safe: one route's file consumer and the tests call it.
 */
final class ScanSupersession {

    /** What a read of one file decided. */
    record Decision(String supersededBy, List<String> supersedes) {

        boolean inForce() {
            return supersededBy == null;
        }
    }

    /** Said of a file superseded before this run: which file superseded it is not kept. */
    static final String EARLIER = "a newer result read before this start";

    private record InForce(XccdfReport.Scan scan, Set<String> hosts) {
    }

    private final SavedNames superseded;
    /** The files read in this run and in force, by name in the route's folder (file routes do not descend into folders). */
    private final Map<String, InForce> inForce = new HashMap<>();
    private boolean pruned;

    ScanSupersession(SavedNames superseded) {
        this.superseded = superseded;
    }

    /**
     * Judges a file just parsed against the files in force: whether a newer scan already superseded it, and which older
     * files it supersedes now. The caller hands its evidence over only when it is in force, then withdraws what the
     * files it supersedes had.
     */
    synchronized Decision read(Path file, XccdfReport report) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        prune(folder);
        String entry = entry(file, name);
        if (superseded.contains(entry)) {
            return new Decision(EARLIER, List.of());
        }
        // changed since it was superseded, or never was: judged afresh
        for (String saved : superseded.names()) {
            if (nameOf(saved).equals(name)) {
                superseded.remove(saved);
            }
        }
        inForce.remove(name);
        XccdfReport.Scan scan = report.scan();
        if (scan == null) {
            superseded.saveIfChanged();
            return new Decision(null, List.of());
        }
        String newer = null;
        List<String> older = new ArrayList<>();
        for (Iterator<Map.Entry<String, InForce>> it = inForce.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, InForce> other = it.next();
            if (!Files.exists(folder.resolve(other.getKey()))) {
                it.remove();
                continue;
            }
            InForce read = other.getValue();
            if (!read.scan().series().equals(scan.series()) || Collections.disjoint(read.hosts(), report.assets())) {
                continue;
            }
            if (read.scan().at().isAfter(scan.at())) {
                newer = other.getKey();
            } else if (scan.at().isAfter(read.scan().at())) {
                older.add(other.getKey());
            }
        }
        if (newer != null) {
            superseded.add(entry);
            superseded.saveIfChanged();
            return new Decision(newer, List.of());
        }
        for (String olderName : older) {
            inForce.remove(olderName);
            superseded.add(entry(folder.resolve(olderName), olderName));
        }
        inForce.put(name, new InForce(scan, Set.copyOf(report.assets())));
        superseded.saveIfChanged();
        return new Decision(null, List.copyOf(older));
    }

    /** At the first read: the superseded files deleted since are forgotten. */
    private void prune(Path folder) {
        if (pruned) {
            return;
        }
        pruned = true;
        for (String saved : superseded.names()) {
            if (!Files.exists(folder.resolve(nameOf(saved)))) {
                superseded.remove(saved);
            }
        }
    }

    /** {@code <modified ms>:<size>:<name>}: the version first, as numbers, so the name may hold any character. */
    private static String entry(Path file, String name) throws IOException {
        return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file) + ":" + name;
    }

    private static String nameOf(String entry) {
        int first = entry.indexOf(':');
        int second = first < 0 ? -1 : entry.indexOf(':', first + 1);
        return second < 0 ? entry : entry.substring(second + 1);
    }
}
