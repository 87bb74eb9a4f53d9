package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Deploys rule changes without a restart. It notices changes to the rules folder or to
 * {@code config/rules.yml}, builds and checks the new library on its own thread, and only when it
 * compiles hands it to the engine, which swaps it in between two inputs. A library that does not
 * build never replaces the working one: the old rules keep running and the problems are reported.
 */
public final class RuleDeployer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RuleDeployer.class.getName());

    /** The outcome of the last deployment attempt. */
    public record Deployment(Instant at, boolean deployed, String libraryVersion, List<Problem> problems) {
    }

    private final Path rulesDir;
    private final Path settingsFile;
    private final ControlCatalog catalog;
    private final EvaluationEngine engine;
    private final ScheduledExecutorService watcher;
    private volatile String fingerprint;
    private volatile Deployment last;
    private volatile Instant deployedAt;

    public RuleDeployer(Path rulesDir, Path settingsFile, ControlCatalog catalog, EvaluationEngine engine,
                        ThreadFactory threads, long pollMillis) {
        this.rulesDir = rulesDir;
        this.settingsFile = settingsFile;
        this.catalog = catalog;
        this.engine = engine;
        this.fingerprint = fingerprint();
        this.deployedAt = Instant.now();
        this.last = new Deployment(deployedAt, true, engine.library().contentHash(), engine.library().warnings());
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = threads.newThread(runnable);
            thread.setName("annexa-rule-deployer");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::deployIfChanged, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /** Builds the rules as they are on disk now and, if they compile, puts them in service. */
    public synchronized Deployment deploy() {
        fingerprint = fingerprint();
        try {
            RuleLibrary next = RuleLibrary.load(rulesDir, settingsFile, catalog);
            engine.swap(next);
            deployedAt = Instant.now();
            last = new Deployment(deployedAt, true, next.contentHash(), next.warnings());
            LOG.info(() -> "deploying rule library " + next.contentHash().substring(0, 12) + " (" + next.rules().size() + " rules)");
        } catch (RuleLibraryException e) {
            last = new Deployment(Instant.now(), false, engine.library().contentHash(), e.getProblems());
            LOG.severe(() -> "rule change not deployed, the previous rules keep running:\n" + e.getMessage());
        }
        return last;
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

    /** Cheap change detection: every file's path, size and modification time. */
    private String fingerprint() {
        StringBuilder print = new StringBuilder();
        try (Stream<Path> files = Files.walk(rulesDir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                print.append(file).append(Files.size(file)).append(Files.getLastModifiedTime(file).toMillis());
            }
            if (settingsFile != null) {
                for (Path file : List.of(settingsFile, RuleLibrary.baselineFile(settingsFile))) {
                    if (Files.exists(file)) {
                        print.append(file).append(Files.size(file)).append(Files.getLastModifiedTime(file).toMillis());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + rulesDir, e);
        }
        return print.toString();
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
