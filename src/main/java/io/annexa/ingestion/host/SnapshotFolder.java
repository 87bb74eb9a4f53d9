package io.annexa.ingestion.host;

import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A host snapshot dropped as a folder: checked against the same limits as an archive before anything in it is read,
 * and told apart from its previous version without reading its files.
 *
 * <p>Links are refused, not followed: a folder in the inbox may be written by someone other than the host's collector,
 * and {@code etc/ssh/sshd_config -> /etc/shadow} would otherwise make Annexa read (and dead-letter, so copy) a file of
 * this machine.
 */
public final class SnapshotFolder {

    private SnapshotFolder() {
    }

    /** @throws InvalidInputException naming the folder, and the refused entry in the reason */
    public static void check(Path folder, SnapshotLimits limits) throws InvalidInputException, IOException {
        String name = folder.toString();
        if (Files.isSymbolicLink(folder) || !Files.isDirectory(folder)) {
            throw new InvalidInputException(name, 0, "not a folder: a host snapshot is a folder or an <asset>.tar.gz archive");
        }
        long[] counted = new long[2];
        InvalidInputException[] refused = new InvalidInputException[1];
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return count(dir, attributes);
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                return count(file, attributes);
            }

            private FileVisitResult count(Path path, BasicFileAttributes attributes) {
                String entry = folder.relativize(path).toString();
                if (++counted[0] > limits.maxEntries() + 1L) {
                    return refuse(entry, "more than " + limits.maxEntries() + " entries (" + SnapshotLimits.MAX_ENTRIES_SETTING + ")");
                }
                if (attributes.isSymbolicLink()) {
                    return refuse(entry, "a symbolic link: a host snapshot holds regular files and folders only");
                }
                if (attributes.isOther()) {
                    return refuse(entry, "a device, FIFO or socket: a host snapshot holds regular files and folders only");
                }
                if (attributes.isRegularFile()) {
                    if (attributes.size() > limits.maxMemberBytes()) {
                        return refuse(entry, "is " + attributes.size() + " bytes, more than the " + limits.maxMemberBytes()
                                + " one file may have (" + SnapshotLimits.MAX_MEMBER_BYTES_SETTING + ")");
                    }
                    counted[1] += attributes.size();
                    if (counted[1] > limits.maxTotalBytes()) {
                        return refuse(entry, "takes the snapshot past the " + limits.maxTotalBytes() + " bytes it may hold ("
                                + SnapshotLimits.MAX_TOTAL_BYTES_SETTING + ")");
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            private FileVisitResult refuse(String entry, String why) {
                refused[0] = new InvalidInputException(name, 0, "entry '" + entry + "' refused: " + why);
                return FileVisitResult.TERMINATE;
            }
        });
        if (refused[0] != null) {
            throw refused[0];
        }
    }

    /**
     * What the folder holds, by name, size and modification time of every entry (at most {@code maxEntries} of them,
     * then a marker): it changes when anything in the snapshot changes, and costs one listing, no read. The folder's
     * own identity is part of it, so a new snapshot moved into place is new even with the same times.
     */
    public static String fingerprint(Path folder, int maxEntries) {
        MessageDigest digest = sha256();
        int[] seen = new int[1];
        try {
            Object key = Files.readAttributes(folder, BasicFileAttributes.class).fileKey();
            digest.update(String.valueOf(key).getBytes(StandardCharsets.UTF_8));
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return add(dir, attributes);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    return add(file, attributes);
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    digest.update(("unreadable " + folder.relativize(file)).getBytes(StandardCharsets.UTF_8));
                    return FileVisitResult.CONTINUE;
                }

                private FileVisitResult add(Path path, BasicFileAttributes attributes) {
                    if (++seen[0] > maxEntries + 1) {
                        digest.update((byte) '+');
                        return FileVisitResult.TERMINATE;
                    }
                    digest.update((folder.relativize(path) + "\0" + attributes.size() + "\0"
                            + attributes.lastModifiedTime().toMillis() + "\0" + (attributes.isSymbolicLink() ? "l" : "")
                            + "\n").getBytes(StandardCharsets.UTF_8));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
