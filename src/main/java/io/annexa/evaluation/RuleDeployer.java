package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import io.annexa.evidence.FileNotifications;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deploys rule changes without a restart. It notices changes to the rules folder or to
 * {@code config/rules.yml}, builds and checks the new library on its own thread, and only when it
 * compiles hands it to the engine, which swaps it in between two inputs. A library that does not
 * build, or that the engine cannot put in service, never replaces the working one: the old rules keep
 * running and the problems are reported. A deployment is reported deployed only once the engine has
 * the new rules in service; until then it is pending.
 */
public final class RuleDeployer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RuleDeployer.class.getName());

    /** How long {@link #deploy} waits for the engine to put new rules in service before it reports them pending. */
    public static final Duration DEFAULT_APPLY_WAIT = Duration.ofSeconds(10);

    /**
     * Where the file system reports every change, the rules are walked only when it reported one, and this often
     * whatever it said: for a watch lost unnoticed. Walking about 300 files every 5 s was a quarter of a percent of a
     * core, all the time.
     */
    static final long NOTIFIED_WALK_MS = 60_000;

    /**
     * The outcome of the last deployment attempt.
     *
     * @param at             when it was deployed, refused or (pending) handed to the engine
     * @param libraryVersion pending or deployed: the new library; failed: the library that stays in service
     * @param problems       compiler warnings of a deployed or pending library; why a failed one is not in service
     */
    public record Deployment(Instant at, Status status, String libraryVersion, List<Problem> problems) {

        public enum Status {
            /** Built and handed to the engine, which has not put it in service yet: the previous rules still run. */
            PENDING,
            /** In service. */
            DEPLOYED,
            /** Did not build, or the engine could not put it in service: the previous rules keep running. */
            FAILED
        }

        /** True only once the rules are in service. */
        public boolean deployed() {
            return status == Status.DEPLOYED;
        }
    }

    private final Path rulesDir;
    private final Path settingsFile;
    /** The folder of {@link #settingsFile}, watched with the rules; null when there is none. */
    private final Path settingsFolder;
    private final ControlCatalog catalog;
    private final RuleTarget engine;
    private final ScheduledExecutorService watcher;
    /** Null where the file system may not report every change ({@link FileNotifications}): then every poll walks. */
    private final WatchService notifications;
    private long lastWalk;
    private volatile String fingerprint;
    private volatile Deployment last;
    private volatile Instant deployedAt;
    private final Duration applyWait;
    /** Numbers deployment attempts: the outcome of an older one the engine applies late does not hide a newer one. */
    private final AtomicLong attempts = new AtomicLong();

    public RuleDeployer(Path rulesDir, Path settingsFile, ControlCatalog catalog, RuleTarget engine,
                        ThreadFactory threads, long pollMillis) {
        this(rulesDir, settingsFile, catalog, engine, threads, pollMillis, DEFAULT_APPLY_WAIT);
    }

    /** @param applyWait how long {@link #deploy} waits for the new rules to be in service before it reports them pending */
    public RuleDeployer(Path rulesDir, Path settingsFile, ControlCatalog catalog, RuleTarget engine,
                        ThreadFactory threads, long pollMillis, Duration applyWait) {
        this.applyWait = applyWait;
        this.rulesDir = rulesDir;
        this.settingsFile = settingsFile;
        this.catalog = catalog;
        this.engine = engine;
        this.settingsFolder = settingsFile == null ? null : settingsFile.toAbsolutePath().getParent();
        this.notifications = notificationsFor(rulesDir, settingsFolder);
        this.fingerprint = fingerprint();
        this.lastWalk = System.currentTimeMillis();
        this.deployedAt = Instant.now();
        this.last = new Deployment(deployedAt, Deployment.Status.DEPLOYED, engine.library().contentHash(), engine.library().warnings());
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = threads.newThread(runnable);
            thread.setName("annexa-rule-deployer");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::deployIfChanged, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Builds the rules as they are on disk now and, if they compile, hands them to the engine. Waits up to the
     * apply wait for the engine to put them in service; when that takes longer (a large batch of inputs ahead of
     * them) the answer is {@link Deployment.Status#PENDING} and {@link #lastDeployment} tells the outcome later.
     */
    public synchronized Deployment deploy() {
        fingerprint = fingerprint();
        RuleLibrary next;
        try {
            next = RuleLibrary.loadForSwap(rulesDir, settingsFile, catalog);
        } catch (RuleLibraryException e) {
            attempts.incrementAndGet();
            last = new Deployment(Instant.now(), Deployment.Status.FAILED, engine.library().contentHash(), e.getProblems());
            LOG.severe(() -> "rule change not deployed, the previous rules keep running:\n" + e.getMessage());
            return last;
        }
        long attempt = attempts.incrementAndGet();
        last = new Deployment(Instant.now(), Deployment.Status.PENDING, next.contentHash(), next.warnings());
        LOG.info(() -> "deploying rule library " + next.contentHash().substring(0, 12) + " (" + next.rules().size() + " rules)");
        // completed on the evaluation thread; not synchronized, as deploy() holds the lock while it waits for it
        CompletableFuture<Deployment> outcome = engine.swap(next).handle((applied, failure) -> settle(attempt, next, failure));
        try {
            return outcome.get(applyWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info(() -> "rule library " + next.contentHash().substring(0, 12) + " is queued behind inputs; reported pending");
        } catch (ExecutionException e) {
            LOG.log(Level.SEVERE, "cannot record the outcome of a deployment", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return last;
    }

    private Deployment settle(long attempt, RuleLibrary next, Throwable failure) {
        Deployment outcome;
        if (failure == null) {
            deployedAt = Instant.now();
            outcome = new Deployment(deployedAt, Deployment.Status.DEPLOYED, next.contentHash(), next.warnings());
        } else {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            outcome = new Deployment(Instant.now(), Deployment.Status.FAILED, engine.library().contentHash(),
                    List.of(Problem.error("rules", "library " + next.contentHash().substring(0, 12)
                            + " could not be put in service, the previous rules keep running: " + cause)));
        }
        if (attempts.get() == attempt) {
            last = outcome;
        }
        return outcome;
    }

    private static WatchService notificationsFor(Path rulesDir, Path settingsFolder) {
        if (!FileNotifications.complete(rulesDir) || settingsFolder != null && !FileNotifications.complete(settingsFolder)) {
            return null;
        }
        try {
            return FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.FINE, "no file notifications: the rules are walked at every poll", e);
            return null;
        }
    }

    private void deployIfChanged() {
        try {
            long now = System.currentTimeMillis();
            if (notifications != null && !notified() && now - lastWalk < NOTIFIED_WALK_MS) {
                return;
            }
            lastWalk = now;
            if (!fingerprint().equals(fingerprint)) {
                deploy();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot check the rules for changes", e);
        }
    }

    /** Whether anything happened in a watched folder since the last poll. */
    private boolean notified() {
        boolean any = false;
        try {
            for (WatchKey key = notifications.poll(); key != null; key = notifications.poll()) {
                key.pollEvents();
                key.reset();
                any = true;
            }
        } catch (java.nio.file.ClosedWatchServiceException closed) {
            return false;
        }
        return any;
    }

    /** Watches {@code folder} for files created, changed or deleted in it; registering again is harmless. */
    private void watch(Path folder) {
        if (notifications == null) {
            return;
        }
        try {
            folder.register(notifications, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | java.nio.file.ClosedWatchServiceException e) {
            // gone meanwhile, or closing: the walk that follows its parent's event sees it
            LOG.log(Level.FINE, e, () -> "cannot watch " + folder);
        }
    }

    /**
     * Cheap change detection: every file's path, size and modification time, each file's attributes read once, from
     * the walk itself (asking for them separately took three file system calls per file, every poll period). Every
     * folder walked is watched before its files are listed, so a change after the listing is notified.
     */
    private String fingerprint() {
        SortedMap<String, String> seen = new TreeMap<>();
        if (settingsFolder != null) {
            watch(settingsFolder);
        }
        try {
            Files.walkFileTree(rulesDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
                    watch(folder);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        seen.put(file.toString(), attributes.size() + ":" + attributes.lastModifiedTime().toMillis());
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            if (settingsFile != null) {
                for (Path file : List.of(settingsFile, RuleLibrary.baselineFile(settingsFile))) {
                    try {
                        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                        seen.put(file.toString(), attributes.size() + ":" + attributes.lastModifiedTime().toMillis());
                    } catch (NoSuchFileException absent) {
                        // an absent settings file is a state too: its appearance changes the print
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + rulesDir, e);
        }
        return seen.toString();
    }

    public Deployment lastDeployment() {
        return last;
    }

    /** When the library in service was deployed. */
    public Instant deployedAt() {
        return deployedAt;
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        if (notifications != null) {
            try {
                notifications.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the rules' file notifications", e);
            }
        }
    }
}
