package io.annexa.ingestion.ssh;

import io.annexa.evidence.CollectionFailed;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.ingestion.SavedNames;
import io.annexa.ingestion.ssh.HostInventory.Host;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.sshd.client.SshClient;

/**
 * Collects every host of the inventory on its period, at most {@code pool-size} at a time, and publishes each
 * collection as the host's snapshot folder {@code <inbox>/<asset>/}, where the snapshot reader takes it in. The route
 * {@code ssh-collection} calls {@link #process} on every tick; a tick only hands the hosts that are due to the pool
 * and returns, so neither the route's thread nor the engine ever waits for a host.
 *
 * <p>A collection is staged in a folder of its own under the data directory and moved into the inbox only when
 * complete, replacing the previous snapshot: the inbox never holds half a collection. A failed collection publishes
 * nothing (the previous snapshot, and so the host's evidence, stays as it was) and hands the engine a
 * {@link CollectionFailed} fact under its own key, withdrawn at the next success. A failed host is tried again after
 * {@code retry} rather than a whole period.
 *
 * <p>A host taken out of the inventory has its {@link CollectionFailed} withdrawn, so its monitoring gap ends. The
 * hosts reported failing are saved ({@link SavedNames}), so that this also holds for a host taken out of
 * {@code config/hosts.yml} while Annexa was down: it is withdrawn at the first tick once the inventory is known. Until
 * then (no inventory given yet, or a file refused since start) nothing is collected and nothing withdrawn.
 */
public final class SshCollection implements Processor, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SshCollection.class.getName());
    /** The origin of the {@link CollectionFailed} evidence keys. */
    public static final String ORIGIN = "ssh-collection";
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration DEFAULT_RETRY = Duration.ofMinutes(5);

    private final EvidenceSink sink;
    private final Path inbox;
    private final Path staging;
    private final Clock clock;
    private final Duration retry;
    private final SshClient client;
    private final ScheduledExecutorService watchdog;
    private final ThreadPoolExecutor pool;
    private final HostCollector collector;
    private final Map<String, HostRecord> states = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile Supplier<HostInventory> inventory = () -> null;
    private volatile Set<String> known = Set.of();
    /** The hosts whose {@link CollectionFailed} the sink holds, this run or before a restart. */
    private final SavedNames failing;

    /**
     * @param inbox   where snapshots are published, one folder per asset ({@code <data>/inbox/hosts})
     * @param staging where collections are assembled; on the same file system as the inbox ({@code <data>/staging/hosts})
     */
    public SshCollection(EvidenceSink sink, Path inbox, Path staging, int poolSize, Duration retry, SnapshotLimits limits,
                         Function<String, String> environment, Clock clock) {
        this(sink, inbox, staging, poolSize, retry, limits, environment, clock, SavedNames.inMemory());
    }

    /** @param failing the hosts reported failing before a restart, kept up to date by the collection */
    public SshCollection(EvidenceSink sink, Path inbox, Path staging, int poolSize, Duration retry, SnapshotLimits limits,
                         Function<String, String> environment, Clock clock, SavedNames failing) {
        this.sink = sink;
        this.failing = failing;
        this.inbox = inbox.toAbsolutePath().normalize();
        this.staging = staging.toAbsolutePath().normalize();
        this.clock = clock;
        this.retry = retry;
        this.client = HostCollector.newClient();
        client.start();
        AtomicInteger threads = new AtomicInteger();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("annexa-ssh-deadlines", threads));
        this.pool = new ThreadPoolExecutor(poolSize, poolSize, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                daemon("annexa-ssh-", threads));
        pool.allowCoreThreadTimeOut(true);
        this.collector = new HostCollector(client, watchdog, limits, environment, clock);
        clearStaging();
    }

    /** As the service runs it: settings {@code annexa.collection.*}, folders under the data directory. */
    public static SshCollection of(io.annexa.ingestion.SourceContext context) {
        int pool = context.setting("annexa.collection.pool-size").map(Integer::parseInt).orElse(DEFAULT_POOL_SIZE);
        if (pool < 1) {
            throw new IllegalArgumentException("annexa.collection.pool-size must be at least 1, not " + pool);
        }
        Duration retry = context.setting("annexa.collection.retry-ms").map(Long::parseLong).map(Duration::ofMillis)
                .orElse(DEFAULT_RETRY);
        SnapshotLimits limits = new SnapshotLimits(SnapshotLimits.DEFAULT.maxFiles(),
                SnapshotLimits.DEFAULT.maxListed(), context.maxFileBytes(),
                context.setting("annexa.collection.max-snapshot-bytes").map(Long::parseLong)
                        .orElse(SnapshotLimits.DEFAULT.maxTotalBytes()),
                SnapshotLimits.DEFAULT.maxRounds());
        return new SshCollection(context.sink(), context.dataDirectory().resolve("inbox").resolve("hosts"),
                context.dataDirectory().resolve("staging").resolve("hosts"), pool, retry, limits, System::getenv, Clock.systemUTC(),
                SavedNames.in(context.dataDirectory().resolve("state").resolve("failing-hosts.txt"), "hosts reported failing"));
    }

    /**
     * Where the inventory comes from; read at every tick, so a reloaded {@code hosts.yml} counts from the next one. It
     * gives null while the inventory is not known (a file refused since start): that tick collects and forgets nothing.
     */
    public void useInventory(Supplier<HostInventory> inventory) {
        this.inventory = inventory;
    }

    /** The route's tick. */
    @Override
    public void process(Exchange exchange) {
        tick();
    }

    /** Hands every host that is due to the pool; returns at once. */
    public void tick() {
        HostInventory current = inventory.get();
        if (current == null) {
            return;
        }
        Instant now = clock.instant();
        Set<String> assets = new HashSet<>();
        for (Host host : current.hosts()) {
            assets.add(host.asset());
            HostRecord state = states.computeIfAbsent(host.asset(), this::firstState);
            if (state.isDue(host.period(), retry, now) && running.add(host.asset())) {
                state.attempted(now);
                pool.execute(() -> {
                    try {
                        collect(host);
                    } finally {
                        running.remove(host.asset());
                    }
                });
            }
        }
        forgetRemoved(assets);
        // the failures of the last tick's collections too: at most a tick behind
        failing.saveIfChanged();
    }

    /**
     * A host taken out of the inventory, now or while Annexa was down, is no longer a gap; its last snapshot stays until
     * someone deletes it.
     */
    private void forgetRemoved(Set<String> assets) {
        Set<String> failed = failing.names();
        if (assets.equals(known) && assets.containsAll(failed)) {
            return;
        }
        Set<String> gone = new HashSet<>(known);
        gone.addAll(failed);
        gone.removeAll(assets);
        for (String asset : gone) {
            HostRecord state = states.remove(asset);
            // a collection still running for it may report it failing again: it is withdrawn again at the next tick
            if (failing.remove(asset) | (state != null && state.reported())) {
                LOG.info(() -> asset + " is no longer in the inventory; its collection state is withdrawn");
                sink.withdraw(key(asset));
            }
        }
        known = Set.copyOf(assets);
    }

    /** After a restart the last success is the published snapshot's, so a gap is measured from real evidence. */
    private HostRecord firstState(String asset) {
        return new HostRecord(asset, HostCollector.collectedAt(inbox.resolve(asset)).orElse(null));
    }

    /** Collects one host now, on the calling thread; publishes its snapshot or reports the failure. */
    public void collect(Host host) {
        HostRecord state = states.computeIfAbsent(host.asset(), this::firstState);
        Path staged = staging.resolve(host.asset() + "-" + UUID.randomUUID());
        try {
            HostCollector.Collected collected = collector.collect(host, staged);
            publish(staged, inbox.resolve(host.asset()));
            succeeded(host, state, collected.at());
            LOG.fine(() -> "collected " + host.asset() + ": " + collected.files() + " files, " + collected.commands());
        } catch (CollectionException e) {
            failed(host, state, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "the snapshot of " + host.asset() + " could not be published", e);
            failed(host, state, "the snapshot could not be published: " + e);
        } finally {
            deleteTree(staged);
        }
    }

    private void succeeded(Host host, HostRecord state, Instant at) {
        state.succeeded(at).ifPresent(facts -> sink.replace(key(host.asset()), facts));
        failing.remove(host.asset());
    }

    private void failed(Host host, HostRecord state, String reason) {
        LOG.warning(() -> "collection of " + host.asset() + " failed: " + reason);
        sink.replace(key(host.asset()), state.failed(reason, host.expectedInterval(), clock.instant()));
        failing.add(host.asset());
    }

    static EvidenceKey key(String asset) {
        return new EvidenceKey(CollectionFailed.SOURCE, asset, ORIGIN);
    }

    /**
     * Puts a complete collection in the place of the previous one. Both renames stay on one file system (the data
     * directory), so each is atomic; the previous snapshot is moved out of the inbox first because a folder cannot be
     * renamed over a folder that is not empty. Between the two renames the asset's folder is briefly absent.
     */
    static void publish(Path staged, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path previous = null;
        if (Files.exists(target)) {
            previous = staged.resolveSibling(staged.getFileName() + ".previous");
            Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            if (previous != null) {
                Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw new IOException("the staging folder " + staged.getParent() + " and the inbox " + target.getParent()
                    + " must be on one file system", e);
        } catch (IOException e) {
            if (previous != null) {
                Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (previous != null) {
            deleteTree(previous);
        }
    }

    /** Collections cut off by a stop leave folders in staging; nothing there is worth keeping. */
    private void clearStaging() {
        try {
            Files.createDirectories(staging);
            try (Stream<Path> leftovers = Files.list(staging)) {
                leftovers.forEach(SshCollection::deleteTree);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot clear " + staging, e);
        }
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + path, e);
        }
    }

    /** How many hosts are being collected now. */
    public int running() {
        return running.size();
    }

    /** The last success and failure state of each host, for status pages and tests. */
    public Map<String, Instant> lastSuccesses() {
        Map<String, Instant> last = new HashMap<>();
        states.forEach((asset, state) -> {
            Instant at = state.lastSuccess();
            if (at != null) {
                last.put(asset, at);
            }
        });
        return last;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        watchdog.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.stop();
        failing.saveIfChanged();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name, AtomicInteger counter) {
        return runnable -> {
            Thread thread = new Thread(runnable, name.endsWith("-") ? name + counter.incrementAndGet() : name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
