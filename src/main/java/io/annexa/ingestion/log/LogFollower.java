package io.annexa.ingestion.log;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Follows one log file like {@code tail -F}: each {@link #poll} hands over the complete lines written since
 * the last one. An incomplete last line waits for its newline. When the path is rotated (it now names
 * another file), the old file is read to its end first — the writer may still have been adding to it —
 * then the new one from its start; when the file shrinks below the position (truncated), it is read again
 * from its start.
 *
 * <p>The position is saved in the {@link OffsetStore} after each batch the handler accepted, under the
 * path and the file's identity (device and inode), so a restart continues where the last accepted batch
 * ended; if the file was rotated meanwhile, the rest of the old file is read first when it is still beside
 * the path ({@code auth.log.1}).
 *
 * <p>Not thread-safe: one route polls it.
 */
public final class LogFollower implements Closeable {

    /** Receives one batch of lines; the position after them is saved only once it returns. */
    @FunctionalInterface
    public interface LineHandler {
        void handle(List<LogLine> lines) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(LogFollower.class.getName());
    private static final int CHUNK_BYTES = 64 * 1024;

    private final Path path;
    private final OffsetStore offsets;
    private final int batchLines;
    private final int maxLineBytes;

    private FileChannel channel;
    private FilePosition position;

    /**
     * @param maxLineBytes a longer line is handed over in pieces of this size, so a file without newlines
     *                     cannot make the follower hold it all in memory
     */
    public LogFollower(Path path, OffsetStore offsets, int batchLines, int maxLineBytes) {
        this.path = path;
        this.offsets = offsets;
        this.batchLines = batchLines;
        this.maxLineBytes = maxLineBytes;
    }

    public Path path() {
        return path;
    }

    /**
     * Hands over every complete line written since the last poll, in batches.
     *
     * @return false when there is no file at the path and none is being read
     */
    public boolean poll(LineHandler handler) throws Exception {
        if (channel == null && !openCurrent(handler)) {
            return false;
        }
        read(handler, false);
        Optional<String> atPath = fileKey(path);
        if (atPath.isPresent() && !atPath.get().equals(position.fileKey())) {
            LOG.info(() -> path + " was rotated; reading the rest of the old file, then the new one");
            read(handler, true);
            close();
            if (openCurrent(handler)) {
                read(handler, false);
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private boolean openCurrent(LineHandler handler) throws Exception {
        Optional<String> key = fileKey(path);
        if (key.isEmpty()) {
            return false;
        }
        Optional<FilePosition> stored = offsets.position(path);
        boolean firstOpen = position == null;
        if (firstOpen && stored.isPresent() && !stored.get().fileKey().equals(key.get())) {
            finishRotatedAway(stored.get(), handler);
        }
        FileChannel opened = FileChannel.open(path, StandardOpenOption.READ);
        if (!key.equals(fileKey(path))) {
            // Rotated between looking and opening: the next poll opens whatever is there then.
            opened.close();
            return false;
        }
        channel = opened;
        position = stored.filter(p -> p.fileKey().equals(key.get())).orElse(FilePosition.start(key.get()));
        restartIfReplaced();
        offsets.save(path, position);
        return true;
    }

    /** While Annexa was stopped the file was rotated: the lines it had not read yet are in the old file, if it is still there. */
    private void finishRotatedAway(FilePosition stored, LineHandler handler) throws Exception {
        Optional<Path> old = findByKey(stored.fileKey());
        if (old.isEmpty()) {
            LOG.warning(() -> path + " was replaced while Annexa was stopped and the old file is gone; lines written"
                    + " to it after byte " + stored.offset() + " are not read");
            return;
        }
        LOG.info(() -> path + " was rotated while Annexa was stopped; reading the rest of " + old.get() + " first");
        try (FileChannel rotated = FileChannel.open(old.get(), StandardOpenOption.READ)) {
            channel = rotated;
            position = stored;
            read(handler, true);
        } finally {
            channel = null;
            position = null;
        }
    }

    private Optional<Path> findByKey(String key) throws IOException {
        Path folder = path.toAbsolutePath().getParent();
        String name = path.getFileName().toString();
        try (Stream<Path> siblings = Files.list(folder)) {
            return siblings.filter(p -> !p.equals(path) && p.getFileName().toString().startsWith(name))
                    .filter(p -> fileKey(p).filter(key::equals).isPresent())
                    .findFirst();
        }
    }

    /**
     * Reads from the saved position to the end of the open file.
     *
     * @param toEnd also hand over a last line without newline: the file is finished (rotated away)
     */
    private void read(LineHandler handler, boolean toEnd) throws Exception {
        if (restartIfReplaced()) {
            offsets.save(path, position);
        }
        List<LogLine> batch = new ArrayList<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        long lineNumber = position.line();
        long afterLastLine = position.offset();
        long readAt = position.offset();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        while (true) {
            buffer.clear();
            int count = channel.read(buffer, readAt);
            if (count <= 0) {
                break;
            }
            byte[] bytes = buffer.array();
            int segment = 0;
            for (int i = 0; i < count; i++) {
                boolean newline = bytes[i] == '\n';
                if (newline || pending.size() + (i - segment) >= maxLineBytes) {
                    pending.write(bytes, segment, i - segment);
                    segment = newline ? i + 1 : i;
                    batch.add(new LogLine(path, ++lineNumber, text(pending)));
                    pending.reset();
                    afterLastLine = readAt + segment;
                    if (batch.size() >= batchLines) {
                        deliver(handler, batch, afterLastLine, lineNumber);
                    }
                }
            }
            pending.write(bytes, segment, count - segment);
            readAt += count;
        }
        if (toEnd && pending.size() > 0) {
            batch.add(new LogLine(path, ++lineNumber, text(pending)));
            afterLastLine = readAt;
        }
        if (!batch.isEmpty()) {
            deliver(handler, batch, afterLastLine, lineNumber);
        }
    }

    private void deliver(LineHandler handler, List<LogLine> batch, long afterLastLine, long lineNumber) throws Exception {
        handler.handle(List.copyOf(batch));
        batch.clear();
        String head = position.headLength() == FilePosition.HEAD_BYTES ? position.head()
                : head((int) Math.min(afterLastLine, FilePosition.HEAD_BYTES));
        position = new FilePosition(position.fileKey(), afterLastLine, lineNumber, head);
        offsets.save(path, position);
    }

    /**
     * Starts the open file over when it is no longer the one the position was taken in: shorter than the
     * position (truncated), or with other first bytes (truncated and rewritten, or a new file that got the
     * old one's inode).
     */
    private boolean restartIfReplaced() throws IOException {
        if (position.offset() == 0) {
            return false;
        }
        boolean truncated = channel.size() < position.offset();
        if (!truncated && head(position.headLength()).equals(position.head())) {
            return false;
        }
        LOG.info(() -> path + (truncated ? " was truncated" : " was replaced by another file")
                + "; reading it from its start");
        position = FilePosition.start(position.fileKey());
        return true;
    }

    private String head(int length) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        int count;
        do {
            count = channel.read(bytes, bytes.position());
        } while (count > 0 && bytes.hasRemaining());
        CRC32C checksum = new CRC32C();
        checksum.update(bytes.flip());
        return Integer.toHexString(length) + ":" + Long.toHexString(checksum.getValue());
    }

    private static String text(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** The identity of the file at a path (device and inode where the platform has them), empty when there is none. */
    static Optional<String> fileKey(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            Object key = attributes.fileKey();
            return Optional.of(key != null ? key.toString() : "created " + attributes.creationTime());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
