package io.annexa.ingestion.host;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which host snapshot folders under a parent folder are to be read: those whose content changed since they were last
 * read and then stayed the same for one poll, so that a folder still being copied in by hand is not read half-written
 * (a collector moves a finished snapshot in at once; it is read at the next poll but one).
 *
 * <p>A change is told by {@link SnapshotFolder#fingerprint}, a listing of names, sizes and times: no file is read until
 * the snapshot is due. After a restart every folder is read once more, like every file of a file route.
 *
 * <p>Thread-safe: the route's timer lists, the evidence checks ask for a folder to be read again.
 */
final class SnapshotFolders {

    private final Map<Path, String> seen = new ConcurrentHashMap<>();
    private final Map<Path, String> read = new ConcurrentHashMap<>();

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
        List<File> due = new ArrayList<>();
        for (Path child : children) {
            String now = SnapshotFolder.fingerprint(child, maxEntries);
            String before = seen.put(child, now);
            if (now.equals(before) && !now.equals(read.get(child))) {
                read.put(child, now);
                due.add(child.toFile());
            }
        }
        return due;
    }

    /** The folder is read again at the next poll, though it did not change. */
    void readAgain(Path folder) {
        read.remove(folder.toAbsolutePath().normalize());
    }
}
