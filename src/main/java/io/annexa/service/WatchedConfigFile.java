package io.annexa.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One file of {@code config/} that is read at start and again whenever it changes while Annexa runs. A version that
 * is refused keeps the last good one in service (at start: {@code none}), and its problems stay visible until a
 * newer version reads well, so an operator's typo never takes a working configuration away.
 *
 * @param <T> what the file configures
 * @param <P> one problem found in a refused version
 */
final class WatchedConfigFile<T, P> {

    private static final Logger LOG = Logger.getLogger(WatchedConfigFile.class.getName());

    /** What one read of the file gave: a value to put in service, or the problems that refuse it. */
    record Read<T, P>(T value, List<P> problems, String message) {

        static <T, P> Read<T, P> accepted(T value) {
            return new Read<>(value, List.of(), null);
        }

        static <T, P> Read<T, P> refused(List<P> problems, String message) {
            return new Read<>(null, List.copyOf(problems), message);
        }
    }

    private final Path file;
    private final String display;
    private final Function<Path, Read<T, P>> reader;
    private final Function<T, String> summary;
    private volatile T inService;
    private volatile Instant loadedAt;
    private volatile Instant refusedAt;
    private volatile List<P> problems = List.of();
    private FileTime stamp;

    /**
     * @param reader reads the file (which may be missing) and never throws for what is in it
     * @param summary what the log says of a version put in service
     */
    WatchedConfigFile(Path file, String display, T none, Function<Path, Read<T, P>> reader, Function<T, String> summary) {
        this.file = file;
        this.display = display;
        this.inService = none;
        this.reader = reader;
        this.summary = summary;
        this.stamp = lastModified(file);
        load();
    }

    T inService() {
        return inService;
    }

    String display() {
        return display;
    }

    boolean present() {
        return Files.exists(file);
    }

    Instant loadedAt() {
        return loadedAt;
    }

    Instant refusedAt() {
        return refusedAt;
    }

    List<P> problems() {
        return problems;
    }

    /** @return true when the file changed and its new version is in service */
    synchronized boolean reloadIfChanged() {
        FileTime now = lastModified(file);
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        return load();
    }

    private boolean load() {
        Read<T, P> read = reader.apply(file);
        if (!read.problems().isEmpty()) {
            problems = read.problems();
            refusedAt = Instant.now();
            LOG.warning(display + " refused, the version in service stays:\n" + read.message());
            return false;
        }
        inService = read.value();
        loadedAt = Instant.now();
        problems = List.of();
        refusedAt = null;
        LOG.info(() -> display + " in service: " + summary.apply(read.value()));
        return true;
    }

    /** The file's modification time, the epoch when it is missing or unreadable (so its return is noticed). */
    static FileTime lastModified(Path file) {
        try {
            return Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
