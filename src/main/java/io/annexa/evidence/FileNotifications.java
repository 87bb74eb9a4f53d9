package io.annexa.evidence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Whether the operating system reports every change in a folder through file notifications ({@code WatchService}):
 * the inbox folders and the rule library are then listed when told, not walked on a timer.
 *
 * <p>Local file systems of Linux (inotify) and Windows report changes made on this machine, which is every change
 * they can have. Network file systems (NFS, SMB, CIFS), FUSE mounts and shared folders of virtual machines do not
 * report what another machine writes, and on macOS Java's watch service is itself a 10-second poll: those, and any type
 * not named here, keep their rescan.
 */
public final class FileNotifications {

    private static final Set<String> NOTIFIED = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs", "f2fs",
            "jfs", "reiserfs", "bcachefs", "overlay", "ntfs", "refs");

    private FileNotifications() {
    }

    /** True when {@code folder}'s file system is one whose changes are all notified; false when unsure or unreadable. */
    public static boolean complete(Path folder) {
        try {
            return NOTIFIED.contains(Files.getFileStore(folder).type().toLowerCase(Locale.ROOT));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
