package io.annexa.ingestion.log;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The read positions of one route's followed files, kept in a properties file
 * ({@code <data>/offsets/<route id>.properties}) so that a restart neither skips nor re-reads lines.
 * Every save replaces the whole file atomically: a crash leaves the previous positions, never half a file.
 */
public final class OffsetStore {

    private static final String KEY = ".fileKey";
    private static final String OFFSET = ".offset";
    private static final String LINE = ".line";
    private static final String HEAD = ".head";

    private final Path file;
    private final Map<String, FilePosition> positions = new HashMap<>();

    public OffsetStore(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            load();
        }
    }

    public synchronized Optional<FilePosition> position(Path followed) {
        return Optional.ofNullable(positions.get(followed.toString()));
    }

    public synchronized void save(Path followed, FilePosition position) throws IOException {
        if (position.equals(positions.get(followed.toString()))) {
            return;
        }
        positions.put(followed.toString(), position);
        write();
    }

    private void load() {
        Properties stored = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            stored.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log offsets " + file, e);
        }
        for (String name : stored.stringPropertyNames()) {
            if (name.endsWith(KEY)) {
                String path = name.substring(0, name.length() - KEY.length());
                positions.put(path, new FilePosition(stored.getProperty(name),
                        Long.parseLong(stored.getProperty(path + OFFSET, "0")),
                        Long.parseLong(stored.getProperty(path + LINE, "0")),
                        stored.getProperty(path + HEAD, "")));
            }
        }
    }

    private void write() throws IOException {
        Properties stored = new Properties();
        positions.forEach((path, position) -> {
            stored.setProperty(path + KEY, position.fileKey());
            stored.setProperty(path + OFFSET, Long.toString(position.offset()));
            stored.setProperty(path + LINE, Long.toString(position.line()));
            stored.setProperty(path + HEAD, position.head());
        });
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = Channels.newOutputStream(channel)) {
            stored.store(out, "read positions of followed log files; written by Annexa");
            out.flush();
            // On disk before the rename: otherwise a power cut can leave the renamed file empty.
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
