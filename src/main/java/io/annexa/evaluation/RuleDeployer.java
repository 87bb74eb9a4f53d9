package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
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
    private final ControlCatalog catalog;
    private final RuleTarget engine;
    private final ScheduledExecutorService watcher;
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
        this.fingerprint = fingerprint();
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

    private void deployIfChanged() {
        try {
            if (!fingerprint().equals(fingerprint)) {
                deploy();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot check the rules for changes", e);
        }
    }

    /**
     * Cheap change detection: every file's path, size and modification time, each file's attributes read once, from
     * the walk itself (asking for them separately took three file system calls per file, every poll period).
     */
    private String fingerprint() {
        SortedMap<String, String> seen = new TreeMap<>();
        try {
            Files.walkFileTree(rulesDir, new SimpleFileVisitor<>() {
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
    }
}
