package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Keeps what a route rejected under {@code <data>/dead-letter/<route id>/}, within a byte budget per route.
 *
 * <p>A whole input (a configuration file, an HTTP answer) that failed is kept by the shared error handler's last
 * step (see {@code integrations/error-handling.camel.yaml}) as a copy beside a {@code .reason} file. Items rejected
 * within an input that is otherwise read on (log lines, network messages) go through {@link #rejects}: all rejects
 * of one input into one {@code .dead-letter} file, each as {@code <where>: <reason>} followed by the rejected text
 * indented by a tab. Network receivers and followed files write one rolling file per input instead, started anew
 * when it reaches a sixteenth of the budget.
 *
 * <p>The budget ({@code annexa.sources.dead-letter.max-bytes-per-route}) holds because anybody able to drop a file
 * or send a datagram decides how much is rejected: a 100,000-line garbage file once became 200,000 files. When a
 * route's dead letters would outgrow it, its oldest files are deleted first; what cannot be kept at all is not
 * written. Both count as {@code dead_letters_dropped} in the route's flags. Thread-safe: a route's files are written
 * under one lock, shared by every instance writing to the same folder.
 */
public final class DeadLetters implements Processor {

    public static final String MAX_BYTES_SETTING = "annexa.sources.dead-letter.max-bytes-per-route";
    public static final long DEFAULT_MAX_BYTES_PER_ROUTE = 50L * 1024 * 1024;
    /** Ending of the files holding the rejected items of one input. */
    public static final String ITEMS_SUFFIX = ".dead-letter";
    static final long MIN_SEGMENT_BYTES = 64 * 1024;
    /** Whole inputs are kept as two files each: many small rejected inputs must not fill a folder either. */
    static final int MAX_FILES_PER_ROUTE = 2_000;
    private static final int PENDING_BYTES = 64 * 1024;
    private static final int MAX_NAME_CHARS = 100;

    private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** One state per route folder, whichever instance writes there (the error handler and the log sources do). */
    private static final Map<Path, RouteFolder> FOLDERS = new ConcurrentHashMap<>();

    private final Path directory;
    private final SourceMonitor monitor;
    private final long maxBytesPerRoute;

    public DeadLetters(Path directory, SourceMonitor monitor) {
        this(directory, monitor, DEFAULT_MAX_BYTES_PER_ROUTE);
    }

    public DeadLetters(Path directory, SourceMonitor monitor, long maxBytesPerRoute) {
        if (maxBytesPerRoute < 1) {
            throw new IllegalArgumentException(MAX_BYTES_SETTING + " must be positive, is " + maxBytesPerRoute);
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.monitor = monitor;
        this.maxBytesPerRoute = maxBytesPerRoute;
    }

    /** The dead letters of a source runtime: {@code <data>/dead-letter/}, with the configured budget. */
    public static DeadLetters of(SourceContext context) {
        long max = context.setting(MAX_BYTES_SETTING).map(Long::parseLong).orElse(DEFAULT_MAX_BYTES_PER_ROUTE);
        return new DeadLetters(context.dataDirectory().resolve("dead-letter"), context.monitor(), max);
    }

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String routeId = exchange.getFromRouteId();
        String reason = cause == null ? "unknown error" : describe(cause);
        Instant now = Instant.now();
        boolean kept = false;
        RouteFolder folder = folder(routeId);
        synchronized (folder) {
            try {
                String name = STAMP.format(now) + "-" + safe(inputName(exchange));
                Object body = exchange.getIn().getBody();
                Path input = null;
                byte[] bytes = null;
                if (body instanceof File || body instanceof org.apache.camel.component.file.GenericFile<?>) {
                    input = exchange.getIn().getBody(File.class).toPath();
                    input = Files.isRegularFile(input) ? input : null;
                } else if (body != null) {
                    bytes = exchange.getIn().getBody(byte[].class);
                }
                long size = input != null ? Files.size(input) : bytes != null ? bytes.length : 0;
                String text = "route: " + routeId + "\nat: " + now
                        + "\ninput: " + io.annexa.evidence.AssetNames.shown(exchange.getIn().getHeader(Exchange.FILE_PATH, "(not a file)", String.class), 4096)
                        + "\nreason: " + reason + "\n";
                long needed = size + text.length();
                if (size > 0 && folder.makeRoom(needed, 2, null, monitor) < needed) {
                    // The reason still tells what happened; a copy would break the route's budget.
                    text += "input not kept: " + size + " bytes do not fit in the route's dead letters (" + MAX_BYTES_SETTING + ")\n";
                    input = null;
                    bytes = null;
                    monitor.flag(routeId, SourceMonitor.DEAD_LETTERS_DROPPED, 1);
                }
                folder.makeRoom(text.length(), input == null && bytes == null ? 1 : 2, null, monitor);
                if (input != null) {
                    Files.copy(input, folder.path.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    folder.added(size);
                } else if (bytes != null) {
                    Files.write(folder.path.resolve(name), bytes);
                    folder.added(size);
                }
                byte[] reasonBytes = text.getBytes(StandardCharsets.UTF_8);
                // written aside and moved in: whoever watches the folder never reads a half-written reason
                Path partial = Files.write(folder.path.resolve(name + ".reason.partial"), reasonBytes);
                Files.move(partial, folder.path.resolve(name + ".reason"), StandardCopyOption.ATOMIC_MOVE);
                folder.added(reasonBytes.length);
                kept = true;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "cannot dead-letter input of route " + routeId + " (" + reason + ")", e);
            }
        }
        monitor.failed(routeId, reason, kept);
        LOG.warning(() -> "route " + routeId + " rejected an input: " + reason);
    }

    /**
     * Where the rejected items of one input go: {@link Rejects#add} each, then {@link Rejects#flush}.
     *
     * @param input   names the input in the file's header and name (a path, {@code network})
     * @param rolling true for an input without end (a receiver, a followed file): its rejects go on in the same
     *                file across {@code Rejects} instances until the file is full; false for an input read once
     *                (a dropped file), which gets a file of its own
     */
    public Rejects rejects(String routeId, String input, boolean rolling) {
        return new Rejects(routeId, input, rolling);
    }

    /** The rejected items of one input, buffered and written into its dead-letter file. */
    public final class Rejects {

        private final String routeId;
        private final String input;
        private final boolean rolling;
        private final List<String> pending = new ArrayList<>();
        private int pendingChars;
        private Path file;

        private Rejects(String routeId, String input, boolean rolling) {
            this.routeId = routeId;
            this.input = input;
            this.rolling = rolling;
        }

        /**
         * Counts a rejected item and keeps it for the dead-letter file. Never throws.
         *
         * @param where  where in the input ({@code line 17}, {@code from 192.0.2.7})
         * @param reason what is wrong, naming file, line and field
         */
        public synchronized void add(String where, String content, String reason) {
            String entry = where + ": " + reason.replace('\n', ' ') + "\n\t" + content.replace("\n", "\n\t") + "\n";
            pending.add(entry);
            pendingChars += entry.length();
            monitor.failed(routeId, reason, true);
            // Not a warning per item: a flood of bad lines would drown the log; the counters and files tell.
            LOG.fine(() -> "route " + routeId + " rejected " + where + " of " + input + ": " + reason);
            if (pendingChars >= PENDING_BYTES) {
                flush();
            }
        }

        /** Writes what was added since the last flush, as far as the route's budget allows. Never throws. */
        public synchronized void flush() {
            if (pending.isEmpty()) {
                return;
            }
            List<byte[]> entries = pending.stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
            pending.clear();
            pendingChars = 0;
            RouteFolder folder = folder(routeId);
            int dropped;
            synchronized (folder) {
                dropped = write(folder, entries);
            }
            if (dropped > 0) {
                monitor.flag(routeId, SourceMonitor.DEAD_LETTERS_DROPPED, dropped);
            }
        }

        /** @return how many entries were not written */
        private int write(RouteFolder folder, List<byte[]> entries) {
            long needed = entries.stream().mapToLong(e -> e.length).sum();
            try {
                Path current = rolling ? folder.rolling.get(input) : file;
                long segment = Math.max(MIN_SEGMENT_BYTES, maxBytesPerRoute / 16);
                if (current != null && (!Files.exists(current) || rolling && Files.size(current) >= segment)) {
                    current = null;
                }
                byte[] header = null;
                if (current == null) {
                    current = folder.newFile(safe(input.substring(input.lastIndexOf('/') + 1)));
                    header = ("# route: " + routeId + "\n# input: " + io.annexa.evidence.AssetNames.shown(input, 4096) + "\n# each rejected item: where: reason,"
                            + " then its text indented by a tab\n").getBytes(StandardCharsets.UTF_8);
                    needed += header.length;
                }
                long room = folder.makeRoom(needed, header == null ? 0 : 1, current, monitor);
                int written = 0;
                long bytes = 0;
                try (var out = Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    if (header != null) {
                        if (header.length > room) {
                            return entries.size();
                        }
                        out.write(header);
                        bytes += header.length;
                    }
                    for (byte[] entry : entries) {
                        if (bytes + entry.length > room) {
                            break;
                        }
                        out.write(entry);
                        bytes += entry.length;
                        written++;
                    }
                } finally {
                    folder.used += bytes;
                    if (header != null) {
                        folder.files++;
                    }
                }
                if (rolling) {
                    folder.rolling.put(input, current);
                } else {
                    file = current;
                }
                return entries.size() - written;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "cannot write dead letters of route " + routeId + " for " + input, e);
                return entries.size();
            }
        }
    }

    private RouteFolder folder(String routeId) {
        Path path = directory.resolve(safe(routeId));
        RouteFolder folder = FOLDERS.computeIfAbsent(path, p -> new RouteFolder(p, routeId));
        // the budget of the instance writing now: a restarted runtime may have another
        folder.max = maxBytesPerRoute;
        return folder;
    }

    /** One route's dead-letter folder: its size on disk, its rolling files, and how it makes room. */
    private static final class RouteFolder {

        private final Path path;
        private volatile long max;
        private final String routeId;
        private final Map<String, Path> rolling = new HashMap<>();
        private long used = -1;
        private int files;

        RouteFolder(Path path, String routeId) {
            this.path = path;
            this.routeId = routeId;
        }

        Path newFile(String stem) throws IOException {
            Files.createDirectories(path);
            String base = STAMP.format(Instant.now()) + "-" + stem;
            Path candidate = path.resolve(base + ITEMS_SUFFIX);
            for (int n = 2; Files.exists(candidate); n++) {
                candidate = path.resolve(base + "-" + n + ITEMS_SUFFIX);
            }
            return candidate;
        }

        void added(long bytes) {
            used += bytes;
            files++;
        }

        /**
         * Deletes the oldest files but {@code keep} until {@code needed} more bytes and {@code newFiles} more files
         * fit in the budget; what the deleted files held is counted as dropped in {@code monitor}.
         *
         * @return how many bytes may be written now: {@code needed}, or less when even an empty folder lacks room
         */
        long makeRoom(long needed, int newFiles, Path keep, SourceMonitor monitor) throws IOException {
            Files.createDirectories(path);
            if (used < 0 || used + needed > max || files + newFiles > MAX_FILES_PER_ROUTE) {
                measure();
            }
            if (used + needed > max || files + newFiles > MAX_FILES_PER_ROUTE) {
                List<Path> oldestFirst = list().stream().filter(f -> !f.equals(keep))
                        .sorted(Comparator.comparing(RouteFolder::modified).thenComparing(Path::toString)).toList();
                long droppedItems = 0;
                for (Path old : oldestFirst) {
                    if (used + needed <= max && files + newFiles <= MAX_FILES_PER_ROUTE) {
                        break;
                    }
                    long size = Files.size(old);
                    droppedItems += items(old);
                    Files.deleteIfExists(old);
                    used -= size;
                    files--;
                }
                rolling.values().removeIf(f -> !Files.exists(f));
                if (droppedItems > 0) {
                    monitor.flag(routeId, SourceMonitor.DEAD_LETTERS_DROPPED, droppedItems);
                    long n = droppedItems;
                    LOG.warning(() -> "dead letters of route " + routeId + " reached " + MAX_BYTES_SETTING + " (" + max
                            + " bytes): deleted the oldest, " + n + " rejected items");
                }
            }
            return Math.max(0, Math.min(needed, max - used));
        }

        private void measure() throws IOException {
            List<Path> all = list();
            long total = 0;
            for (Path f : all) {
                total += Files.size(f);
            }
            used = total;
            files = all.size();
        }

        private List<Path> list() throws IOException {
            try (Stream<Path> list = Files.list(path)) {
                return list.filter(Files::isRegularFile).toList();
            }
        }

        private static java.nio.file.attribute.FileTime modified(Path f) {
            try {
                return Files.getLastModifiedTime(f);
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }

        /** Rejected items a file holds: entries of an items file, one for a whole input's reason, none for its copy. */
        private static long items(Path f) throws IOException {
            String name = f.getFileName().toString();
            if (name.endsWith(".reason")) {
                return 1;
            }
            if (!name.endsWith(ITEMS_SUFFIX)) {
                return 0;
            }
            long n = 0;
            try (BufferedReader reader = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isEmpty() && line.charAt(0) != '\t' && line.charAt(0) != '#') {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    private static String inputName(Exchange exchange) {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        return name == null ? exchange.getExchangeId() : name;
    }

    /** A file name part: no path separators or odd characters, and short. */
    private static String safe(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.length() > MAX_NAME_CHARS ? cleaned.substring(cleaned.length() - MAX_NAME_CHARS) : cleaned;
    }

    private static String describe(Exception cause) {
        if (cause instanceof InvalidInputException) {
            return cause.getMessage();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
