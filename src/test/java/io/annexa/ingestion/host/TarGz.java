package io.annexa.ingestion.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes real tar.gz archives for tests, hostile ones included: entries are written exactly as given. */
public final class TarGz implements AutoCloseable {

    private final TarArchiveOutputStream tar;

    private TarGz(Path file) throws IOException {
        OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file));
        tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public static TarGz to(Path file) throws IOException {
        return new TarGz(file);
    }

    /** Every regular file under {@code folder}, named relative to it: a host snapshot folder as an archive. */
    public static Path of(Path folder, Path file) throws IOException {
        try (TarGz archive = to(file); var files = Files.walk(folder)) {
            for (Path path : files.sorted().toList()) {
                if (Files.isRegularFile(path)) {
                    archive.file(folder.relativize(path).toString().replace('\\', '/'), Files.readAllBytes(path));
                }
            }
        }
        return file;
    }

    public TarGz file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public TarGz file(String name, byte[] content) throws IOException {
        // the name as given, a leading '/' included: commons-compress would otherwise strip it
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
        return this;
    }

    /** A file of {@code size} zero bytes, streamed: compresses to almost nothing. */
    public TarGz zeros(String name, long size) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        tar.putArchiveEntry(entry);
        byte[] block = new byte[64 * 1024];
        for (long left = size; left > 0; left -= block.length) {
            tar.write(block, 0, (int) Math.min(block.length, left));
        }
        tar.closeArchiveEntry();
        return this;
    }

    public TarGz folder(String name) throws IOException {
        tar.putArchiveEntry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/"));
        tar.closeArchiveEntry();
        return this;
    }

    /** An entry of another type, without content: a link ({@link TarConstants#LF_SYMLINK}, {@code LF_LINK}), a device... */
    public TarGz special(String name, byte type, Consumer<TarArchiveEntry> shape) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, type);
        shape.accept(entry);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
        return this;
    }

    @Override
    public void close() throws IOException {
        tar.finish();
        tar.close();
    }

    static byte[] read(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
