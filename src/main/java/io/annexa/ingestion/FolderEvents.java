package io.annexa.ingestion;

import io.annexa.evidence.FileNotifications;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;

/**
 * The inbox routes' {@code pollStrategy}: a route lists its folder only when the folder reported a change since its
 * last poll (a file created, written, renamed or deleted in it, through the operating system's file notifications),
 * when that poll read something (there may be more), when a file was forgotten to be read again
 * ({@link #readAgain}), or when {@value #RESCAN_SETTING} passed since its last full listing.
 *
 * <p>Why: the idempotent repository spares reading unchanged files, but listing a folder of 10,000 files and checking
 * each still cost about 13 % of a core at a 2 s poll period. A change is still seen at the next poll after it.
 * The rescan is the safety net for folders whose changes may not be notified (NFS or SMB mounts written from other
 * machines, see {@link FileNotifications}); a folder on a file system that reports every change is listed again
 * only once an hour ({@link #NOTIFIED_RESCAN_MS}), since listing three inbox folders of 10,000 files every minute was
 * a quarter of the service's CPU while nothing changed (0.65 % of a core). A folder that cannot be watched at all is
 * listed at every poll, as before.
 *
 * <p>Thread-safe: one instance serves every inbox route, and one daemon thread takes the notifications.
 */
public final class FolderEvents implements PollingConsumerPollStrategy, AutoCloseable {

    public static final String RESCAN_SETTING = "annexa.sources.inbox.rescan-ms";
    public static final long DEFAULT_RESCAN_MS = 60_000;
    /** The rescan of a folder whose file system reports every change: for a watch lost unnoticed, not for changes. */
    public static final long NOTIFIED_RESCAN_MS = 3_600_000;
    private static final Logger LOG = Logger.getLogger(FolderEvents.class.getName());

    /** One folder's state; {@code key} null while it is not watched. */
    private static final class Folder {
        volatile WatchKey key;
        volatile boolean changed = true;
        volatile long lastFullPoll = Long.MIN_VALUE;
        /** Whether its file system reports every change: see {@link FileNotifications}. */
        volatile boolean notified;
    }

    private final long rescanMillis;
    private final LongSupplier clock;
    private final Predicate<Path> notified;
    private final PollingConsumerPollStrategy errors = new DefaultPollingConsumerPollStrategy();
    private final Map<Path, Folder> folders = new ConcurrentHashMap<>();
    private final Map<WatchKey, Folder> byKey = new ConcurrentHashMap<>();
    private volatile WatchService watcher;
    private volatile Thread thread;

    public FolderEvents(long rescanMillis) {
        this(rescanMillis, System::currentTimeMillis, FileNotifications::complete);
    }

    FolderEvents(long rescanMillis, LongSupplier clock, Predicate<Path> notified) {
        if (rescanMillis < 1) {
            throw new IllegalArgumentException(RESCAN_SETTING + " must be at least 1, not " + rescanMillis);
        }
        this.rescanMillis = rescanMillis;
        this.clock = clock;
        this.notified = notified;
    }

    /** As the settings say. */
    public static FolderEvents of(SourceContext context) {
        return new FolderEvents(context.setting(RESCAN_SETTING).map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(RESCAN_SETTING + ": '" + value + "' is not a whole number of milliseconds");
            }
        }).orElse(DEFAULT_RESCAN_MS));
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        if (!(endpoint instanceof GenericFileEndpoint<?> files) || files.getConfiguration().getDirectory() == null) {
            return true;
        }
        Path directory = Path.of(files.getConfiguration().getDirectory()).toAbsolutePath().normalize();
        Folder folder = folders.computeIfAbsent(directory, d -> new Folder());
        if (folder.key == null || !folder.key.isValid()) {
            // before listing: what changes during the listing is notified and listed at the next poll
            watch(directory, folder);
        }
        long now = clock.getAsLong();
        long rescan = folder.notified ? Math.max(rescanMillis, NOTIFIED_RESCAN_MS) : rescanMillis;
        boolean due = folder.key == null || folder.changed || now - folder.lastFullPoll >= rescan;
        if (due) {
            folder.changed = false;
            folder.lastFullPoll = now;
        }
        return due;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (polledMessages > 0) {
            // a poll may stop at its limit, or leave a file its read lock could not take yet
            changed(endpoint);
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) throws Exception {
        changed(endpoint);
        return errors.rollback(consumer, endpoint, retryCounter, cause);
    }

    /** The route reading {@code file} lists its folder at its next poll: the file was forgotten to be read again. */
    public void readAgain(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        Folder folder = parent == null ? null : folders.get(parent);
        if (folder != null) {
            folder.changed = true;
        }
    }

    private void changed(Endpoint endpoint) {
        if (endpoint instanceof GenericFileEndpoint<?> files && files.getConfiguration().getDirectory() != null) {
            Folder folder = folders.get(Path.of(files.getConfiguration().getDirectory()).toAbsolutePath().normalize());
            if (folder != null) {
                folder.changed = true;
            }
        }
    }

    private synchronized void watch(Path directory, Folder folder) {
        try {
            if (watcher == null) {
                watcher = FileSystems.getDefault().newWatchService();
                thread = new Thread(this::take, "annexa-folder-events");
                thread.setDaemon(true);
                thread.start();
            }
            WatchKey key = directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            byKey.put(key, folder);
            if (folder.key != null) {
                // the folder was replaced or remounted: what happened before this watch was not notified
                folder.changed = true;
            }
            folder.key = key;
            folder.notified = notified.test(directory);
        } catch (IOException | UnsupportedOperationException | ClosedWatchServiceException e) {
            // not there yet, or not watchable here: listed at every poll
            LOG.log(Level.FINE, e, () -> "cannot watch " + directory + "; it is listed at every poll");
            folder.key = null;
        }
    }

    private void take() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                // any event, an overflow included, means the folder must be listed
                key.pollEvents();
                Folder folder = byKey.get(key);
                if (folder != null) {
                    folder.changed = true;
                }
                if (!key.reset()) {
                    byKey.remove(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // closed: Annexa stops
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the folder watch", e);
            }
            watcher = null;
        }
    }
}
