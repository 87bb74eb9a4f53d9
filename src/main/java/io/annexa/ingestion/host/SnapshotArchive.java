package io.annexa.ingestion.host;

import io.annexa.evidence.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a host snapshot dropped as {@code <asset>.tar.gz} into a folder of its own, refusing, with the reason and
 * the entry, anything that could make it write outside that folder, read something else than the host's files, or
 * fill the disk: an absolute name or one with {@code ..}, a symbolic or hard link, a device, a FIFO or any other
 * special entry, a name twice, a file larger than {@link SnapshotLimits#maxMemberBytes()}, more than
 * {@link SnapshotLimits#maxEntries()} entries or more than {@link SnapshotLimits#maxTotalBytes()} unpacked.
 *
 * <p>Sizes are counted as the bytes are written, not taken from the headers, and the compressed stream is read only
 * as far as the entries need: a gzip bomb stops at the total limit. Nothing is followed or created outside the
 * target folder, which the caller deletes whatever happens.
 */
public final class SnapshotArchive {

    private static final int MAX_NAME_CHARS = 4096;

    private SnapshotArchive() {
    }

    /**
     * @param into an empty folder: the snapshot's root once this returns
     * @throws InvalidInputException naming the archive, and the refused entry in the reason
     */
    public static void unpack(Path archive, Path into, SnapshotLimits limits) throws InvalidInputException, IOException {
        String file = archive.toString();
        long size = Files.size(archive);
        if (size > limits.maxTotalBytes()) {
            throw new InvalidInputException(file, 0, "archive is " + size + " bytes, more than the " + limits.maxTotalBytes()
                    + " a host snapshot may hold (" + SnapshotLimits.MAX_TOTAL_BYTES_SETTING + ")");
        }
        Path root = into.toAbsolutePath().normalize();
        Set<String> names = new HashSet<>();
        long total = 0;
        int entries = 0;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
             GzipCompressorInputStream gzip = new GzipCompressorInputStream(raw, true);
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            while ((entry = next(tar, file)) != null) {
                if (++entries > limits.maxEntries()) {
                    throw refused(file, entry, "more than " + limits.maxEntries() + " entries ("
                            + SnapshotLimits.MAX_ENTRIES_SETTING + ")");
                }
                String name = name(entry, file);
                if (name.isEmpty()) {
                    continue; // "./" itself: the root
                }
                if (!names.add(name)) {
                    throw refused(file, entry, "appears twice: which one is the host's file cannot be told");
                }
                Path target = root.resolve(name).normalize();
                if (!target.startsWith(root) || target.equals(root)) {
                    throw refused(file, entry, "lies outside the snapshot");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                // by the type flag itself: commons-compress calls a device or FIFO without a trailing '/' a file
                if (entry.getLinkFlag() != TarConstants.LF_NORMAL && entry.getLinkFlag() != TarConstants.LF_OLDNORM
                        || entry.isSparse()) {
                    throw refused(file, entry, kind(entry) + ": a host snapshot holds regular files and folders only");
                }
                if (entry.getSize() > limits.maxMemberBytes()) {
                    throw refused(file, entry, "is " + entry.getSize() + " bytes, more than the " + limits.maxMemberBytes()
                            + " one file may have (" + SnapshotLimits.MAX_MEMBER_BYTES_SETTING + ")");
                }
                Files.createDirectories(target.getParent());
                total += copy(tar, target, Math.min(limits.maxMemberBytes(), limits.maxTotalBytes() - total), file, entry, limits);
            }
        } catch (IOException e) {
            if (e.getCause() instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException(file, 0, "not a readable gzip-compressed tar archive: " + e.getMessage());
        }
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar, String file) throws InvalidInputException {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException(file, 0, "not a readable gzip-compressed tar archive: " + e.getMessage());
        }
    }

    /** The entry's name relative to the root, without a leading {@code ./} or trailing {@code /}; refused when unsafe. */
    private static String name(TarArchiveEntry entry, String file) throws InvalidInputException {
        String name = entry.getName();
        if (name.length() > MAX_NAME_CHARS || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
            throw refused(file, entry, "has a name no host file has (too long, or with a NUL or backslash)");
        }
        if (name.startsWith("/")) {
            throw refused(file, entry, "is an absolute name, outside the snapshot: write paths relative to the host's /"
                    + " (etc/ssh/sshd_config)");
        }
        StringBuilder clean = new StringBuilder();
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw refused(file, entry, "leads outside the snapshot ('..')");
            }
            clean.append(clean.isEmpty() ? "" : "/").append(segment);
        }
        return clean.toString();
    }

    /** Copies the entry's bytes, at most {@code max}: counted here, whatever the header said. */
    private static long copy(InputStream in, Path target, long max, String file, TarArchiveEntry entry, SnapshotLimits limits)
            throws IOException, InvalidInputException {
        byte[] buffer = new byte[16 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                written += n;
                if (written > max) {
                    throw refused(file, entry, written > limits.maxMemberBytes()
                            ? "holds more than the " + limits.maxMemberBytes() + " bytes one file may have ("
                            + SnapshotLimits.MAX_MEMBER_BYTES_SETTING + ")"
                            : "takes the snapshot past the " + limits.maxTotalBytes() + " bytes it may hold unpacked ("
                            + SnapshotLimits.MAX_TOTAL_BYTES_SETTING + ")");
                }
                out.write(buffer, 0, n);
            }
        }
        return written;
    }

    private static String kind(TarArchiveEntry entry) {
        if (entry.isSymbolicLink()) {
            return "a symbolic link to '" + entry.getLinkName() + "'";
        }
        if (entry.isLink()) {
            return "a hard link to '" + entry.getLinkName() + "'";
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            return "a device";
        }
        if (entry.isFIFO()) {
            return "a FIFO";
        }
        if (entry.isSparse()) {
            return "a sparse file";
        }
        return "a special entry (type '" + (char) entry.getLinkFlag() + "')";
    }

    private static InvalidInputException refused(String file, TarArchiveEntry entry, String why) {
        return new InvalidInputException(file, 0, "entry '" + io.annexa.evidence.AssetNames.shown(entry.getName(), 200)
                + "' refused: " + why);
    }
}
