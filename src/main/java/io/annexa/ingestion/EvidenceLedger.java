package io.annexa.ingestion;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConstants;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.spi.IdempotentRepository;

/**
 * Which file produced which evidence, per route, so that evidence whose file is gone is withdrawn.
 *
 * <p>File routes hand their facts over through {@link #handOver}, which records the file's evidence keys. A
 * periodic {@link #sweep} withdraws the keys of recorded files that no longer exist, unless another recorded file
 * still there produced the same key (that file is then read again, so the evidence in force is its own). A read
 * that no longer produces a key its file's previous read did (a host gone from a new scan) withdraws that key the
 * same way. A file that cannot be read never gets here: it is dead-lettered and its previous evidence stays.
 *
 * <p>Each route's ledger is kept in {@code <data>/state/evidence-ledger/<route id>.tsv}, written by the sweep when
 * it changed (so at most one poll period behind) and on close, so a file deleted while Annexa was down is
 * withdrawn by the first sweep after start. At most {@value #MAX_ENTRIES_SETTING} (file, key) pairs are kept per
 * route; a file beyond that is not recorded, logged and counted {@value SourceMonitor#EVIDENCE_LEDGER_FULL}, and its
 * deletion withdraws nothing. Withdrawals are counted {@value SourceMonitor#EVIDENCE_WITHDRAWN}.
 *
 * <p>Thread-safe: each route's ledger is locked while it is used, and sink calls for a route are made under that
 * lock, so a read and a withdrawal of the same key reach the sink in the order they were decided.
 */
public final class EvidenceLedger implements AutoCloseable {

    public static final String MAX_ENTRIES_SETTING = "annexa.sources.evidence-ledger.max-entries";
    public static final int DEFAULT_MAX_ENTRIES = 50_000;

    private static final Logger LOG = Logger.getLogger(EvidenceLedger.class.getName());
    /** Route ids that are safe as file names; another route's ledger is kept in memory only. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final Path folder;
    private final EvidenceSink sink;
    private final SourceMonitor monitor;
    private final int maxEntries;
    private final Map<String, RouteLedger> routes = new ConcurrentHashMap<>();
    private final Set<String> reportedFull = ConcurrentHashMap.newKeySet();
    /** Each route folder's modification time at its last sweep. */
    private final Map<String, FileTime> sweptFolders = new ConcurrentHashMap<>();
    private volatile java.util.function.Function<String, Optional<Path>> folders = routeId -> Optional.empty();
    /** Folders that routes not reading through a file endpoint (host snapshot folders) said they read. */
    private final Map<String, Path> declaredFolders = new ConcurrentHashMap<>();

    public EvidenceLedger(Path folder, EvidenceSink sink, SourceMonitor monitor, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException(MAX_ENTRIES_SETTING + " must be at least 1, not " + maxEntries);
        }
        this.folder = folder;
        this.sink = sink;
        this.monitor = monitor;
        this.maxEntries = maxEntries;
    }

    /** The ledgers of a source runtime: under the data directory, capped as its settings say. */
    public static EvidenceLedger of(SourceContext context) {
        int max = context.setting(MAX_ENTRIES_SETTING).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(MAX_ENTRIES_SETTING + ": '" + AssetNames.shown(value) + "' is not a whole number");
            }
        }).orElse(DEFAULT_MAX_ENTRIES);
        return new EvidenceLedger(context.dataDirectory().resolve("state").resolve("evidence-ledger"), context.sink(),
                context.monitor(), max);
    }

    /**
     * Hands over what one read of {@code file} produced, by key, withdraws what the file's previous read produced and
     * this one does not, and records the file's keys for the route the exchange came from.
     */
    public void handOver(Exchange exchange, Path file, Map<EvidenceKey, List<Object>> evidence) {
        handOver(exchange.getFromRouteId(), file, evidence, readAgain(exchange, file));
    }

    /**
     * Where each route reads its files. A file under its route's folder is recorded by its name relative to it: the
     * bundled samples are unpacked to a new folder at every start, and an absolute name would look deleted each time.
     */
    public void useFolders(java.util.function.Function<String, Optional<Path>> routeFolders) {
        this.folders = routeFolders;
    }

    /**
     * Says which folder a route reads when its endpoint does not (a timer route listing host snapshot folders), so that
     * what it reads is recorded relative to it, like a file route's files.
     */
    public void routeFolder(String routeId, Path folder) {
        declaredFolders.put(routeId, folder.toAbsolutePath().normalize());
    }

    private Optional<Path> folderOf(String routeId) {
        Path declared = declaredFolders.get(routeId);
        return declared != null ? Optional.of(declared) : folders.apply(routeId);
    }

    private String recorded(String routeId, Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return folderOf(routeId).map(folder -> folder.toAbsolutePath().normalize())
                .filter(absolute::startsWith)
                .map(folder -> folder.relativize(absolute).toString())
                .orElse(absolute.toString());
    }

    /** The file a recorded name stands for now; null when it is relative to a folder not known. */
    private java.util.function.Function<String, Path> where(String routeId) {
        return name -> {
            Path path = Path.of(name);
            if (path.isAbsolute()) {
                return path;
            }
            return folderOf(routeId).map(folder -> folder.resolve(path)).orElse(null);
        };
    }

    void handOver(String routeId, Path file, Map<EvidenceKey, List<Object>> evidence, Runnable readAgain) {
        String path = recorded(routeId, file);
        RouteLedger ledger = route(routeId);
        synchronized (ledger) {
            evidence.forEach(sink::replace);
            Set<EvidenceKey> before = ledger.keysOf(path);
            if (!ledger.record(path, evidence.keySet(), readAgain)) {
                full(routeId, path);
            }
            Set<EvidenceKey> dropped = new LinkedHashSet<>(before);
            dropped.removeAll(evidence.keySet());
            if (!dropped.isEmpty()) {
                LOG.info(() -> "route " + routeId + ": " + path + " no longer has " + describe(dropped));
                withdraw(routeId, ledger, dropped);
            }
        }
    }

    /**
     * Hands over one host snapshot read from {@code file} (a folder or an archive) as one input
     * ({@link EvidenceSink#replaceSnapshot}), which withdraws what the asset's previous snapshot from {@code origin} had
     * and this one has not, and records the snapshot's keys, so that deleting {@code file} withdraws them.
     *
     * @param readAgain makes the route read {@code file} again at its next poll, though it did not change
     */
    public void handOverSnapshot(String routeId, Path file, String asset, String origin, Map<EvidenceKey, List<Object>> evidence,
                                 Runnable readAgain) {
        String path = recorded(routeId, file);
        RouteLedger ledger = route(routeId);
        synchronized (ledger) {
            sink.replaceSnapshot(asset, origin, evidence);
            Set<EvidenceKey> before = ledger.keysOf(path);
            if (!ledger.record(path, evidence.keySet(), readAgain)) {
                full(routeId, path);
            }
            long dropped = before.stream().filter(key -> !evidence.containsKey(key)).count();
            if (dropped > 0) {
                monitor.flag(routeId, SourceMonitor.EVIDENCE_WITHDRAWN, dropped);
                LOG.info(() -> "route " + routeId + ": the snapshot " + path + " no longer has " + describe(before.stream()
                        .filter(key -> !evidence.containsKey(key)).collect(Collectors.toCollection(LinkedHashSet::new))));
            }
        }
    }

    /**
     * The file stays but no longer counts (a newer OpenSCAP result of the same scan replaced it): what its last read
     * produced is withdrawn as if it had been deleted, unless another recorded file still produces it (that file is read
     * again), and the file is forgotten.
     */
    public void supersede(String routeId, Path file) {
        String path = recorded(routeId, file);
        RouteLedger ledger = route(routeId);
        synchronized (ledger) {
            Set<EvidenceKey> keys = ledger.remove(path);
            if (!keys.isEmpty()) {
                LOG.info(() -> "route " + routeId + ": " + path + " is superseded; it had " + describe(keys));
                withdraw(routeId, ledger, keys);
            }
        }
    }

    /**
     * Withdraws the evidence of every recorded file of these routes that no longer exists, then saves the ledgers
     * that changed. Run at start and every poll period.
     */
    public void sweep(Collection<String> routeIds) {
        for (String routeId : routeIds) {
            RouteLedger ledger = route(routeId);
            synchronized (ledger) {
                // Read before the files are checked: a deletion after this changes it again and is seen next time.
                Optional<FileTime> folderTime = folderOf(routeId).flatMap(EvidenceLedger::modified);
                boolean folderUnchanged = folderTime.isPresent() && folderTime.equals(Optional.ofNullable(sweptFolders.get(routeId)));
                // Deleting or renaming a file changes its folder's time, so the files in an unchanged folder are all still
                // there: checking 30,000 of them every poll period cost a few percent of a core while nothing happened.
                List<String> gone = ledger.gone(where(routeId), folderUnchanged);
                folderTime.ifPresentOrElse(time -> sweptFolders.put(routeId, time), () -> sweptFolders.remove(routeId));
                Set<EvidenceKey> keys = new LinkedHashSet<>();
                for (String file : gone) {
                    // forgotten, so the same file put back unchanged (moved out and back) is read again
                    ledger.readAgain(file);
                    keys.addAll(ledger.remove(file));
                    LOG.info(() -> "route " + routeId + ": " + file + " is gone");
                }
                withdraw(routeId, ledger, keys);
                save(routeId, ledger);
            }
        }
    }

    /** Saves every ledger that changed since its last save. */
    @Override
    public void close() {
        routes.forEach((routeId, ledger) -> {
            synchronized (ledger) {
                save(routeId, ledger);
            }
        });
    }

    /** Withdraws each key that no recorded file still there produces. */
    private void withdraw(String routeId, RouteLedger ledger, Set<EvidenceKey> keys) {
        Set<EvidenceKey> withdrawn = new LinkedHashSet<>();
        Map<EvidenceKey, List<String>> holdersByKey = ledger.holders(keys, where(routeId));
        for (EvidenceKey key : keys) {
            List<String> holders = holdersByKey.getOrDefault(key, List.of());
            if (holders.isEmpty()) {
                sink.withdraw(key);
                withdrawn.add(key);
            } else {
                // the evidence in force may be the one that went: read the other file again to put its own back
                LOG.info(() -> "route " + routeId + ": " + describe(Set.of(key)) + " stays, still produced by " + holders
                        + ", which is read again");
                holders.forEach(ledger::readAgain);
            }
        }
        if (!withdrawn.isEmpty()) {
            monitor.flag(routeId, SourceMonitor.EVIDENCE_WITHDRAWN, withdrawn.size());
            LOG.info(() -> "route " + routeId + ": evidence withdrawn: " + describe(withdrawn));
        }
    }

    private void full(String routeId, String path) {
        monitor.flag(routeId, SourceMonitor.EVIDENCE_LEDGER_FULL, 1);
        Level level = reportedFull.add(routeId) ? Level.WARNING : Level.FINE;
        LOG.log(level, () -> "route " + routeId + ": the evidence ledger has no room left (at most " + maxEntries + " entries, "
                + MAX_ENTRIES_SETTING + "); " + path + " was read but is not recorded, so its deletion will not withdraw its evidence");
    }

    private void save(String routeId, RouteLedger ledger) {
        try {
            ledger.saveIfChanged();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "route " + routeId + ": cannot save the evidence ledger under " + folder
                    + "; tried again at the next check", e);
        }
    }

    private RouteLedger route(String routeId) {
        return routes.computeIfAbsent(routeId, this::load);
    }

    private RouteLedger load(String routeId) {
        if (!FILE_NAME.matcher(routeId).matches()) {
            LOG.warning(() -> "route id '" + AssetNames.shown(routeId) + "' cannot name a file: its evidence ledger is kept in"
                    + " memory only, and files deleted while Annexa is down are not withdrawn for it");
            return new RouteLedger(null, maxEntries, Map.of());
        }
        Path store = folder.resolve(routeId + ".tsv");
        if (!Files.exists(store)) {
            return new RouteLedger(store, maxEntries, Map.of());
        }
        try {
            LedgerFile.Content content = LedgerFile.read(store, maxEntries, problem -> LOG.warning(() -> "evidence ledger " + problem));
            if (content.truncated()) {
                monitor.flag(routeId, SourceMonitor.EVIDENCE_LEDGER_FULL, 1);
                LOG.warning(() -> "evidence ledger " + store + " holds more than " + maxEntries + " entries ("
                        + MAX_ENTRIES_SETTING + "); the rest is ignored");
            }
            return new RouteLedger(store, maxEntries, content.files());
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "cannot read the evidence ledger " + store + "; the route starts with an empty one, so files"
                    + " deleted while Annexa was down are not withdrawn for it", e);
            return new RouteLedger(store, maxEntries, new LinkedHashMap<>());
        }
    }

    /**
     * What makes a file route read {@code file} again at its next poll though it did not change: forgetting it in
     * the route's idempotent repository, under the key the route's completion step adds it with. Routes that read
     * on a schedule without such a repository read it again anyway.
     */
    private static Runnable readAgain(Exchange exchange, Path file) {
        if (!(exchange.getFromEndpoint() instanceof GenericFileEndpoint<?> endpoint)
                || !Boolean.TRUE.equals(endpoint.isIdempotent()) || endpoint.getIdempotentRepository() == null) {
            return () -> { };
        }
        String key = endpoint.getIdempotentKey() != null
                ? endpoint.getIdempotentKey().evaluate(exchange, String.class)
                : exchange.getIn().getHeader(FileConstants.FILE_ABSOLUTE_PATH, file.toAbsolutePath().toString(), String.class);
        IdempotentRepository repository = endpoint.getIdempotentRepository();
        return key == null ? () -> { } : () -> repository.remove(key);
    }

    private static Optional<FileTime> modified(Path folder) {
        try {
            return Optional.of(Files.getLastModifiedTime(folder));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String describe(Set<EvidenceKey> keys) {
        return keys.stream().map(k -> k.source() + " of " + k.asset() + " (" + k.origin() + ")").collect(Collectors.joining(", "));
    }
}
