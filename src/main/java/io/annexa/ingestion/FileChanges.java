package io.annexa.ingestion;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Which version of each file the configuration routes have read: the idempotent repository of every inbox and local
 * file route ({@code idempotentRepository: "#fileChanges"}), so that a file is read again only when it changed.
 *
 * <p>A version is the file's modification time (milliseconds) and size; the routes give it in their idempotent key,
 * {@value #KEY_EXPRESSION}, taken when the file was listed, before it was read: a change made while it is read shows
 * as a new version at the next poll. A change that keeps both size and modification time to the millisecond is not
 * seen; hashing the content instead would mean reading every file at every poll, which is what this avoids. A file
 * whose includes were followed (this machine's own files) also changes when one of the files or folders its includes
 * led to changes ({@link #dependsOn}): a new drop-in under {@code sshd_config.d/} changes the folder.
 *
 * <p>One entry per file, replaced by each new version, however many files: Camel's memory repository holds the last
 * 1,000 keys, so a bigger inbox was read again at every poll, and a key per version would grow with every change.
 *
 * <p>After a restart the engine's session is empty, so every file is read once more in the first poll: "read" here
 * means read in this run. What the previous run read is kept in {@code <data>/state/file-reads.tsv} (written when it
 * changed, at most one poll period behind, and on close), and the first poll reads the files that changed or appeared
 * while Annexa was down before the unchanged ones ({@link #changedFirst}): the register is brought up to date by those,
 * while the rest only refill the session and, unchanged, change nothing in the register.
 *
 * <p>Thread-safe: the routes' consumer threads share one instance.
 */
public final class FileChanges extends ServiceSupport implements IdempotentRepository {

    /** How the routes write the key: version first, as numbers, so the path may hold any character. */
    public static final String KEY_EXPRESSION = "${file:modified}:${file:size}:${file:absolute.path}";

    private static final Logger LOG = Logger.getLogger(FileChanges.class.getName());
    private static final String HEADER = "# Annexa: the version of each file the routes read (path, modified ms, size;"
            + " tab-separated, \\t \\n \\r \\\\ escaped). Written by Annexa.";

    /** A file's version; {@link #ABSENT} for a file that does not exist. */
    record Version(long modified, long size) {

        static final Version ABSENT = new Version(-1, -1);

        static Version of(Path path) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new Version(attributes.lastModifiedTime().toMillis(), attributes.size());
            } catch (IOException e) {
                return ABSENT;
            }
        }
    }

    /** What one read of a file was based on: its version, and the versions of what its includes led to. */
    private record Read(Version version, Map<Path, Version> includes) {

        boolean current(Version now) {
            if (!version.equals(now)) {
                return false;
            }
            for (Map.Entry<Path, Version> include : includes.entrySet()) {
                if (!include.getValue().equals(Version.of(include.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Path store;
    private final Map<String, Read> read = new HashMap<>();
    /** What the previous run read, of the files not read in this one yet (in eager mode; else all of them). */
    private final Map<String, Version> previous;
    /** Includes a read recorded before its route's completion step adds the file. */
    private final Map<String, Map<Path, Version>> pendingIncludes = new HashMap<>();
    private boolean changed;
    private volatile java.util.function.Consumer<Path> forgotten = path -> { };

    private FileChanges(Path store, Map<String, Version> previous) {
        this.store = store;
        this.previous = previous;
    }

    /** The repository kept in {@code store}, starting from what it holds (nothing when it does not exist). */
    public static FileChanges at(Path store) {
        return new FileChanges(store, load(store));
    }

    @Override
    public synchronized boolean contains(String key) {
        Key k = Key.parse(key);
        Read last = read.get(k.path());
        return last != null && last.current(k.version());
    }

    /**
     * Camel's file consumer adds a file when it lists it (eager, the default) and confirms it once read, or adds it
     * once read (not eager); either way the includes of the read are attached when it is done.
     *
     * @return false when this version was read already, and nothing its includes led to changed since
     */
    @Override
    public synchronized boolean add(String key) {
        Key k = Key.parse(key);
        Read last = read.get(k.path());
        if (last != null && last.current(k.version())) {
            attachIncludes(k.path());
            return false;
        }
        Map<Path, Version> includes = pendingIncludes.remove(k.path());
        read.put(k.path(), new Read(k.version(), includes == null ? Map.of() : includes));
        changed = true;
        return true;
    }

    /** Only in eager mode, which the routes use: the previous run's version is needed until the read is done. */
    @Override
    public synchronized boolean confirm(String key) {
        String path = Key.parse(key).path();
        attachIncludes(path);
        // the sort of the poll that listed it is over: that was all it was kept for
        previous.remove(path);
        return true;
    }

    private void attachIncludes(String path) {
        Map<Path, Version> includes = pendingIncludes.remove(path);
        Read last = read.get(path);
        if (includes != null && last != null) {
            read.put(path, new Read(last.version(), includes));
        }
    }

    /** Forgets the file, whatever version the key names: it is read at the next poll. */
    @Override
    public boolean remove(String key) {
        String path = Key.parse(key).path();
        boolean known;
        synchronized (this) {
            pendingIncludes.remove(path);
            changed = true;
            known = read.remove(path) != null;
        }
        forgotten.accept(Path.of(path));
        return known;
    }

    /** Told of each file forgotten, so that its route lists its folder again though nothing changed there. */
    public void whenForgotten(java.util.function.Consumer<Path> listener) {
        this.forgotten = listener;
    }

    @Override
    public synchronized void clear() {
        read.clear();
        pendingIncludes.clear();
        changed = true;
    }

    /**
     * Records what the includes of the read of {@code file} in progress led to, with the versions they had when they
     * were read; the route's completion step then adds the file with them.
     */
    public synchronized void dependsOn(Path file, Map<Path, Version> includes) {
        if (!includes.isEmpty()) {
            pendingIncludes.put(file.toAbsolutePath().toString(), Map.copyOf(includes));
        }
    }

    /** Files read in this run. */
    public synchronized int size() {
        return read.size();
    }

    /**
     * Files that are new or changed since the previous run first, in the order listed otherwise (the sort is stable);
     * a route's {@code sorter}. After the first poll that order is moot: every file listed is new or changed.
     */
    public Comparator<GenericFile<?>> changedFirst() {
        return Comparator.comparingInt(this::unchangedSincePreviousRun);
    }

    private synchronized int unchangedSincePreviousRun(GenericFile<?> file) {
        Version before = previous.get(file.getAbsoluteFilePath());
        return before != null && before.equals(new Version(file.getLastModified(), file.getFileLength())) ? 1 : 0;
    }

    /**
     * Writes what was read, when that changed since the last save; on failure it stays changed, for the next try.
     * Files the previous run read that are not read in this one yet are kept while they exist.
     */
    public void saveIfChanged() {
        Map<String, Version> entries;
        synchronized (this) {
            if (!changed) {
                return;
            }
            // a file deleted while Annexa was down would be kept forever
            for (Iterator<String> names = previous.keySet().iterator(); names.hasNext(); ) {
                if (Files.notExists(Path.of(names.next()))) {
                    names.remove();
                }
            }
            entries = new LinkedHashMap<>(previous);
            read.forEach((path, last) -> entries.put(path, last.version()));
            changed = false;
        }
        try {
            write(store, entries);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                changed = true;
            }
            LOG.log(Level.WARNING, "cannot save which files were read to " + store + "; tried again at the next check", e);
        }
    }

    @Override
    protected void doStart() {
        // kept by SourceRuntime across the routes' lives; Camel starts and stops it with each route
    }

    @Override
    protected void doStop() {
        // saved by SourceRuntime, which outlives the routes
    }

    /** A key as {@link #KEY_EXPRESSION} writes it. */
    private record Key(String path, Version version) {

        static Key parse(String key) {
            int first = key.indexOf(':');
            int second = first < 0 ? -1 : key.indexOf(':', first + 1);
            if (second < 0) {
                throw new IllegalArgumentException("idempotent key '" + key + "' is not <modified>:<size>:<path>; routes using "
                        + "#fileChanges set idempotentKey: \"" + KEY_EXPRESSION + "\"");
            }
            try {
                return new Key(key.substring(second + 1),
                        new Version(Long.parseLong(key, 0, first, 10), Long.parseLong(key, first + 1, second, 10)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("idempotent key '" + key + "' does not start with <modified>:<size>:", e);
            }
        }
    }

    private static Map<String, Version> load(Path store) {
        Map<String, Version> entries = new HashMap<>();
        if (!Files.exists(store)) {
            return entries;
        }
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int skipped = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(store), decoder))) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t", -1);
                try {
                    if (fields.length != 3) {
                        throw new IllegalArgumentException(fields.length + " fields instead of 3");
                    }
                    String path = LedgerFile.unescape(fields[0], "path");
                    if (!Path.of(path).isAbsolute()) {
                        throw new IllegalArgumentException("not an absolute path");
                    }
                    entries.put(path, new Version(Long.parseLong(fields[1]), Long.parseLong(fields[2])));
                } catch (RuntimeException e) {
                    if (skipped++ == 0) {
                        int at = number;
                        LOG.warning(() -> store + ":" + at + ": " + e.getMessage() + ", skipped (further such lines are counted)");
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return entries;
        } catch (IOException e) {
            // only the order of the first poll is lost: every file is read in it anyway
            LOG.log(Level.WARNING, "cannot read " + store + "; the first poll reads the files in the order listed", e);
            entries.clear();
        }
        if (skipped > 1) {
            int count = skipped;
            LOG.warning(() -> store + ": " + count + " lines skipped; those files are read in the order listed");
        }
        return entries;
    }

    /** Replaces {@code file}: through a temporary file, on disk before the rename, so a crash leaves the last one. */
    private static void write(Path file, Map<String, Version> entries) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8))) {
            out.write(HEADER);
            out.write('\n');
            for (Map.Entry<String, Version> entry : entries.entrySet()) {
                out.write(LedgerFile.escape(entry.getKey()));
                out.write('\t');
                out.write(Long.toString(entry.getValue().modified()));
                out.write('\t');
                out.write(Long.toString(entry.getValue().size()));
                out.write('\n');
            }
            out.flush();
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
