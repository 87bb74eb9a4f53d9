package io.annexa.ingestion.host;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which host snapshot folders under a parent folder are to be read: those whose content changed since they were last
 * read and then stayed the same for one poll, so that a folder still being copied in by hand is not read half-written
 * (a collector moves a finished snapshot in at once; it is read at the next poll but one).
 *
 * <p>A change is told by {@link SnapshotFolder#fingerprint}, a listing of every name, size and time in the snapshot,
 * without reading a file. That listing costs about a millisecond per snapshot of a few dozen files, too much for every
 * poll of a fleet, so a poll lists a snapshot only when its folder itself changed (a new snapshot moved in is a new
 * folder; a file added or removed at its top changes its time), when it is being watched settle, or when
 * {@code rescanMillis} passed since it was last listed: a file edited in place deep inside is seen then, as
 * {@link io.annexa.ingestion.FolderEvents} rescans the inbox folders. After a restart every folder is read once more,
 * like every file of a file route.
 *
 * <p>Thread-safe: the route's timer lists, the evidence checks ask for a folder to be read again.
 */
final class SnapshotFolders {

    /** What was last seen of one snapshot folder. */
    private static final class Seen {
        String identity;
        String fingerprint;
        long listedAt;
        /** Listed changed since it was read, and not yet seen unchanged on the following poll. */
        boolean settling = true;
    }

    private final long rescanMillis;
    private final LongSupplier clock;
    private final Map<Path, Seen> seen = new ConcurrentHashMap<>();
    private final Map<Path, String> read = new ConcurrentHashMap<>();

    SnapshotFolders(long rescanMillis, LongSupplier clock) {
        this.rescanMillis = rescanMillis;
        this.clock = clock;
    }

    /** The folders of {@code parent} to read now, in name order; each is taken as read. Hidden folders are skipped. */
    List<File> due(Path parent, int maxEntries) throws IOException {
        Path folder = parent.toAbsolutePath().normalize();
        List<Path> children = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
                for (Path child : stream) {
                    if (!child.getFileName().toString().startsWith(".") && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                        children.add(child);
                    }
                }
            }
        }
        children.sort(null);
        Set<Path> present = new HashSet<>(children);
        seen.keySet().removeIf(path -> path.getParent().equals(folder) && !present.contains(path));
        read.keySet().removeIf(path -> path.getParent().equals(folder) && !present.contains(path));
        long now = clock.getAsLong();
        List<File> due = new ArrayList<>();
        for (Path child : children) {
            Seen last = seen.computeIfAbsent(child, c -> new Seen());
            String identity = identity(child);
            if (!last.settling && identity.equals(last.identity) && now - last.listedAt < rescanMillis) {
                continue;
            }
            String fingerprint = SnapshotFolder.fingerprint(child, maxEntries);
            boolean unchanged = fingerprint.equals(last.fingerprint);
            last.identity = identity;
            last.fingerprint = fingerprint;
            last.listedAt = now;
            if (fingerprint.equals(read.get(child))) {
                last.settling = false;
            } else if (unchanged) {
                last.settling = false;
                read.put(child, fingerprint);
                due.add(child.toFile());
            } else {
                last.settling = true;
            }
        }
        return due;
    }

    /** The folder is read again at the next poll but one, though it did not change. */
    void readAgain(Path folder) {
        Path path = folder.toAbsolutePath().normalize();
        read.remove(path);
        Seen last = seen.get(path);
        if (last != null) {
            last.settling = true;
        }
    }

    /** The folder itself: which one it is (a snapshot moved in anew is another) and when its own entries last changed. */
    private static String identity(Path folder) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.fileKey() + "@" + attributes.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
